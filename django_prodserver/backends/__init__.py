"""Backends: one class per program, each turning a process entry into argv.

What a backend author needs is importable from here::

    from django_prodserver.backends import WebServerBackend, program_rules
"""

from ..config.addresses import Address
from ..config.entry import ProcessConfig
from ..config.options import ArgValue, OptionRules
from ..exceptions import ConfigurationError
from .base import (
    ManagementCommandBackend,
    ProcessBackend,
    WebServerBackend,
    WorkerBackend,
    after_graceful_window,
    seconds_value,
)
from .declare import program_rules
from .management import command_rules

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
    "command_rules",
    "program_rules",
    "seconds_value",
]
