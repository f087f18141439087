"""Deprecated 3.0 path: use ``django_prodserver.backends.gunicorn``."""

from ..gunicorn import GunicornServer

__all__ = ["GunicornServer"]
