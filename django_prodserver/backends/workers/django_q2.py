"""Deprecated 3.0 path: use ``django_prodserver.backends.django_q2``."""

from ..django_q2 import DjangoQ2Worker

__all__ = ["DjangoQ2Worker"]
