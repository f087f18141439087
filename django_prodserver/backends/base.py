"""The base classes of every backend (importable from here, as they always were).

A backend turns one ``PRODUCTION_PROCESSES`` entry into the argv of a program. It
never imports that program: it only knows its command line. Most backends are
class attributes only::

    class DaphneServer(WebServerBackend):
        program = module = extra = "daphne"
        host_option = "bind"
        asgi = True

builds ``daphne [options] mysite.asgi:application``. Override
:meth:`ProcessBackend.build_argv` where the program wants its words in another
order, and :meth:`ProcessBackend.check_config` to add checks.

The classes live in :mod:`~django_prodserver.backends.process` (every backend),
:mod:`~django_prodserver.backends.web` (web servers) and
:mod:`~django_prodserver.backends.management` (workers, management commands).
"""

from __future__ import annotations

from ..config.addresses import Address
from ..config.entry import UNSET, ProcessConfig
from ..config.options import ArgsError, ArgValue, OptionGroup, OptionRules
from ..exceptions import ConfigurationError
from .management import (
    DJANGO_COMMAND_FLAGS,
    DJANGO_COMMAND_OPTIONS,
    ManagementCommandBackend,
    WorkerBackend,
)
from .process import ProcessBackend
from .stop import (
    DEFAULT_STOP_TIMEOUT,
    STOP_MARGIN,
    after_graceful_window,
    seconds_value,
)
from .targets import (
    APP_HINT,
    HOST_NAME,
    allowed_host,
    asgi_application_path,
    dotted_to_target,
    wsgi_application_path,
)
from .web import WebServerBackend, as_list

#: What code written for earlier releases imports from here.
__all__ = [
    "APP_HINT", "DEFAULT_STOP_TIMEOUT", "DJANGO_COMMAND_FLAGS",
    "DJANGO_COMMAND_OPTIONS", "HOST_NAME", "STOP_MARGIN", "UNSET", "Address",
    "ArgValue", "ArgsError", "BaseProcessBackend", "BaseServerBackend",
    "BaseWorkerBackend", "ConfigurationError", "ManagementCommandBackend",
    "OptionGroup", "OptionRules", "ProcessBackend", "ProcessConfig", "WebServerBackend",
    "WorkerBackend", "after_graceful_window", "allowed_host", "as_list",
    "asgi_application_path", "dotted_to_target", "is_abstract", "seconds_value",
    "wsgi_application_path",
]  # fmt: skip

#: django-prodserver 3.0's names of the base classes. A backend written for 3.0
#: (its ``start_server()`` ran the program inside Django's process) must be
#: rewritten to build the program's command line; the upgrade guide shows how.
BaseProcessBackend = ProcessBackend
BaseServerBackend = WebServerBackend
BaseWorkerBackend = WorkerBackend


def is_abstract(backend: type[ProcessBackend]) -> bool:
    """Whether a backend class says nothing to run (a base class to subclass):
    no program (or management command) and none of the methods that build one."""
    if issubclass(backend, ManagementCommandBackend):
        names, start = bool(backend.command), ManagementCommandBackend.program_argv
    else:
        names, start = backend.program is not None, ProcessBackend.program_argv
    builds = (
        backend.build_argv is not ProcessBackend.build_argv
        or backend.commands is not ProcessBackend.commands
        or backend.program_argv is not start
    )
    return not (names or builds)
