"""Deprecated 3.0 path: use ``django_prodserver.backends.celery``."""

from ..celery import CeleryBeat, CeleryWorker

__all__ = ["CeleryBeat", "CeleryWorker"]
