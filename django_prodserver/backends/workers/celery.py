"""Deprecated 3.0 path: use ``django_prodserver.backends.celery``."""

from ..celery import CeleryBeat, CeleryFlower, CeleryWorker

__all__ = ["CeleryBeat", "CeleryFlower", "CeleryWorker"]
