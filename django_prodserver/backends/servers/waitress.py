"""Deprecated 3.0 path: use ``django_prodserver.backends.waitress``."""

from ..waitress import WaitressServer

__all__ = ["WaitressServer"]
