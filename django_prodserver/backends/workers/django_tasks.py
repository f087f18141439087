"""Deprecated 3.0 path: use ``django_prodserver.backends.django_tasks``."""

from ..django_tasks import DjangoTasksWorker

__all__ = ["DjangoTasksWorker"]
