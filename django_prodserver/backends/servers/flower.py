"""Deprecated 3.0 path: use ``django_prodserver.backends.celery``."""

from ..celery import CeleryFlower

__all__ = ["CeleryFlower"]
