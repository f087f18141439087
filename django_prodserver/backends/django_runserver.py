"""Deprecated 3.0 path: use ``django_prodserver.backends.dev.django_runserver``."""

from .dev.django_runserver import DjangoRunserver

__all__ = ["DjangoRunserver"]
