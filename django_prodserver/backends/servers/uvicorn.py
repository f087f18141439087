"""Deprecated 3.0 path: use ``django_prodserver.backends.uvicorn``."""

from ..uvicorn import UvicornServer, UvicornWSGIServer

__all__ = ["UvicornServer", "UvicornWSGIServer"]
