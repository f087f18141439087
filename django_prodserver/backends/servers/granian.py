"""Deprecated 3.0 path: use ``django_prodserver.backends.granian``."""

from ..granian import GranianASGIServer, GranianServer, GranianWSGIServer

#: 3.0's name of the base class of both granian backends.
GranianServerBase = GranianServer

__all__ = ["GranianASGIServer", "GranianServerBase", "GranianWSGIServer"]
