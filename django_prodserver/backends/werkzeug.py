"""Deprecated 3.0 path: use ``django_prodserver.backends.dev.werkzeug``."""

from .dev.werkzeug import RunserverPlus

#: 3.0's name of the same backend.
WerkzeugRunserver = RunserverPlus

__all__ = ["RunserverPlus", "WerkzeugRunserver"]
