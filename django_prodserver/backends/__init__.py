"""Backends: one class per program, each turning a process entry into argv.

What a backend author needs is importable from here::

    from django_prodserver.backends import OptionRules, WebServerBackend
"""

from ..addresses import Address
from ..entry import ProcessConfig
from ..exceptions import ConfigurationError
from ..options import ArgValue, OptionRules
from .base import (
    ManagementCommandBackend,
    ProcessBackend,
    WebServerBackend,
    WorkerBackend,
    after_graceful_window,
    seconds_value,
)

__all__ = [
    "Address",
    "ArgValue",
    "ConfigurationError",
    "ManagementCommandBackend",
    "OptionRules",
    "ProcessBackend",
    "ProcessConfig",
    "WebServerBackend",
    "WorkerBackend",
    "after_graceful_window",
    "seconds_value",
]
