"""The public base classes of every backend.

A backend turns one ``PRODUCTION_PROCESSES`` entry into the argv of a program. It
never imports that program: it only knows its command line. To support another
program, subclass :class:`ProcessBackend` (or :class:`WebServerBackend`) and
override :meth:`ProcessBackend.build_argv`::

    class HypercornServer(WebServerBackend):
        program = "hypercorn"
        module = "hypercorn"

        def build_argv(self, options: list[str]) -> list[str]:
            return [*self.program_argv(), *options, self.asgi_target()]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.core.checks import CheckMessage, Warning

from .. import programs
from ..addresses import Address, parse_bind, parse_port
from ..exceptions import ConfigurationError
from ..options import ArgValue, OptionRules, build_options
from ..signals import FORWARDABLE

#: How to give an entry its ``APP``.
APP_HINT = 'Add "APP": "myproject.celery.app" (module path, then the attribute).'


@dataclass(frozen=True)
class ProcessConfig:
    """One validated ``PRODUCTION_PROCESSES`` entry."""

    name: str
    backend: str
    app: str | None = None
    args: Mapping[Any, ArgValue] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"PRODUCTION_PROCESSES[{self.name!r}]"


def dotted_to_target(path: str) -> str:
    """``mysite.wsgi.application`` → ``mysite.wsgi:application``; kept if it has ':'."""
    if ":" in path or "." not in path:
        return path
    module, attr = path.rsplit(".", 1)
    return f"{module}:{attr}"


class ProcessBackend:
    """Base class of every backend: how to build one program's command line.

    Class attributes describe the program; subclasses set what applies:

    ``program``
        Its console script (looked up next to the running Python).
    ``module``
        Its top-level Python module: tells whether it is installed, and runs it
        as ``python -m module`` when the script is missing.
    ``extra``
        The ``django-prodserver[extra]`` that installs it.
    ``option_rules``
        Its flags, aliases and known options, an
        :class:`~django_prodserver.options.OptionRules`.
    ``stop_signal``
        The signal that stops it gracefully; SIGTERM sent to prodserver becomes this.
    ``accepted_signals``
        The signals it handles; others are not forwarded to it in spawn mode.
    ``can_exec``
        Whether prodserver may replace itself with the program.
    ``requires_app``
        Whether the entry must have an ``APP`` key.
    """

    program: ClassVar[str | None] = None
    module: ClassVar[str | None] = None
    extra: ClassVar[str | None] = None
    option_rules: ClassVar[OptionRules] = OptionRules()
    stop_signal: ClassVar[str] = "SIGTERM"
    accepted_signals: ClassVar[frozenset[str]] = FORWARDABLE
    can_exec: ClassVar[bool] = True
    requires_app: ClassVar[bool] = False
    #: ARGS keys that prodserver itself handles; they never reach the program.
    own_args: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self, config: ProcessConfig, environ: Mapping[str, str], project_key: str = ""
    ) -> None:
        self.config = config
        self.name = config.name
        #: The environment the program will see (the launcher's plus ``ENV``).
        self.environ = environ
        #: A short stable id of the project, for per-project file names.
        self.project_key = project_key

    # -- what subclasses override -------------------------------------------------

    def build_argv(self, options: list[str]) -> list[str]:
        """The program's full argv, given its translated ``options``.

        ``options`` already holds ARGS, the backend's defaults and the extra
        arguments given after ``--``. Most backends return
        ``[*self.program_argv(), *options, target]``.
        """
        raise NotImplementedError(f"{type(self).__name__} must define build_argv()")

    def default_args(self) -> dict[str, ArgValue]:
        """Options used where ARGS do not set them (canonical names)."""
        return {}

    def environment(self) -> dict[str, str]:
        """Variables this backend sets for the program (``ENV`` still wins)."""
        return {}

    @classmethod
    def check_config(cls, config: ProcessConfig) -> list[CheckMessage]:
        """Extra system checks for an entry of this backend; extend with super()."""
        return cls.check_installed(config) + cls.check_known_args(config)

    # -- helpers ------------------------------------------------------------------

    @property
    def args(self) -> dict[Any, ArgValue]:
        """ARGS without the keys prodserver handles itself."""
        own = self.own_args
        return {
            k: v
            for k, v in self.config.args.items()
            if not (isinstance(k, str) and k.replace("_", "-") in own)
        }

    def configured(self) -> set[str]:
        """The canonical option names that ARGS set."""
        rules = self.option_rules
        return {rules.canonical(k) for k in self.args if isinstance(k, str)}

    def option_values(self) -> dict[str, ArgValue]:
        """Each option's configured value by canonical name: ARGS, then defaults.

        The backend's :meth:`default_args` count where ARGS leave an option unset,
        as on the command line; arguments given after ``--`` are not included.
        """
        rules = self.option_rules
        values = {
            rules.canonical(k): v for k, v in self.args.items() if isinstance(k, str)
        }
        for name, value in self.default_args().items():
            values.setdefault(rules.canonical(name), value)
        return values

    def options(self, extra: list[str]) -> list[str]:
        return build_options(self.option_rules, self.args, self.default_args(), extra)

    def commands(self, extra: list[str]) -> list[list[str]]:
        """Every argv this entry runs; one, unless the backend runs several copies."""
        return [self.build_argv(self.options(extra))]

    def program_argv(self) -> list[str]:
        """How to start ``program`` from the running Python's environment."""
        if self.program is None:
            raise NotImplementedError(f"{type(self).__name__} has no program")
        return programs.program_argv(self.program, self.module)

    @classmethod
    def is_installed(cls) -> bool:
        return cls.module is None or programs.is_installed(cls.module)

    @classmethod
    def install_hint(cls) -> str:
        package = cls.extra or cls.program or cls.module or cls.__name__
        what = cls.program or cls.module
        return f'{what} is not installed: pip install "django-prodserver[{package}]"'

    def app_target(self) -> str:
        """``APP`` as ``module:attr``."""
        if not self.config.app:
            raise ConfigurationError(
                f"{self.config.label} needs APP, the import path of the application "
                "instance",
                APP_HINT,
                "prodserver.E009",
            )
        return dotted_to_target(self.config.app)

    def wsgi_target(self) -> str:
        """``APP`` if given, else ``WSGI_APPLICATION``, as ``module:attr``."""
        return dotted_to_target(self.config.app or wsgi_application_path())

    def asgi_target(self) -> str:
        """``APP``, ``ASGI_APPLICATION``, or the ``asgi`` module beside the WSGI one."""
        return dotted_to_target(self.config.app or asgi_application_path())

    @classmethod
    def check_installed(cls, config: ProcessConfig) -> list[CheckMessage]:
        if cls.is_installed():
            return []
        return [
            Warning(
                f"{config.label}: {cls.install_hint()}",
                hint="Install it where this process runs; a dry run still works.",
                obj="PRODUCTION_PROCESSES",
                id="prodserver.W001",
            )
        ]

    @classmethod
    def check_known_args(cls, config: ProcessConfig) -> list[CheckMessage]:
        rules = cls.option_rules
        if not rules.known or not isinstance(config.args, Mapping):
            return []
        known = rules.known | set(rules.aliases) | cls.own_args
        messages: list[CheckMessage] = []
        for key in config.args:
            if not isinstance(key, str):
                continue
            name = rules.canonical(key)
            bare = name[3:] if name.startswith("no-") else name
            if name in known or bare in rules.negatable or len(name) == 1:
                continue
            import difflib  # only for a misspelt key: not on every launch

            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"Did you mean {close[0]!r}?" if close else "Check the spelling."
            messages.append(
                Warning(
                    f"{config.label}: ARGS key {key!r} is not a known "
                    f"{cls.program or cls.__name__} option; it is passed on as "
                    f"--{name}",
                    hint=hint,
                    obj="PRODUCTION_PROCESSES",
                    id="prodserver.W002",
                )
            )
        return messages


class WebServerBackend(ProcessBackend):
    """A backend that serves HTTP: knows its bind options and the ``PORT`` default."""

    #: Options that choose where the server listens; none set → the PORT default.
    bind_options: ClassVar[frozenset[str]] = frozenset({"bind", "host", "port"})

    def default_args(self) -> dict[str, ArgValue]:
        port = self.environ.get("PORT")
        if port and not (self.configured() & self.bind_options):
            return self.port_default(port)
        return {}

    #: Where the program listens when no option chooses an address.
    default_address: ClassVar[Address] = ("127.0.0.1", 8000)
    #: Options that make it listen on something other than a TCP host and port
    #: (a Unix socket, an inherited descriptor): with one set, no address is known.
    socket_options: ClassVar[frozenset[str]] = frozenset({"uds", "fd"})

    def port_default(self, port: str) -> dict[str, ArgValue]:
        """Options that listen on every interface at ``port`` (Heroku's ``PORT``)."""
        return {"host": "0.0.0.0", "port": port}

    def listen_addresses(self) -> list[Address]:
        """The TCP addresses the server will listen on, for the ``prodserver.W003``
        check (two web processes on one port).

        This generic form fits programs with ``--host`` and ``--port`` options: it
        reads ``host`` and ``port`` from :meth:`option_values` (ARGS by canonical
        name, so aliases count, then :meth:`default_args` such as the ``PORT``
        default) and takes :attr:`default_address` for what is unset; a list gives
        one address per item. An option of :attr:`socket_options` means no TCP
        address, and a port that is not a number is left for the program to
        reject: both give ``[]``.

        Another backend fits in one of two ways. If its program has ``--host`` and
        ``--port``, it only sets :attr:`default_address` where the program's
        default differs (and :attr:`socket_options` where its socket options have
        other names). If an option holds ``host:port``, it overrides this method:
        for a ``bind``-style option (gunicorn's), with
        :meth:`bind_addresses`; otherwise by parsing the values with
        :func:`~django_prodserver.addresses.parse_host_port` and returning
        ``super().listen_addresses()`` when the option is unset, if the program
        also takes ``--host`` and ``--port`` (waitress's ``listen``).
        """
        values = self.option_values()
        if values.keys() & self.socket_options:
            return []
        hosts = as_list(values.get("host", self.default_address[0]))
        ports = as_list(values.get("port", self.default_address[1]))
        return [
            (str(host), port)
            for host in hosts
            if isinstance(host, str)
            for port in map(parse_port, ports)
            if port is not None
        ]

    def bind_addresses(self, option: str = "bind") -> list[Address]:
        """The TCP addresses of a ``bind``-style option: ``[default_address]``
        when it is unset, else one per value (``host:port``, ``host``,
        ``[v6]:port``), leaving out ``unix:`` and ``fd://`` values."""
        binds = self.option_values().get(option)
        if binds is None:
            return [self.default_address]
        port = self.default_address[1]
        found = (parse_bind(b, port) for b in as_list(binds) if isinstance(b, str))
        return [address for address in found if address is not None]


class WorkerBackend(ProcessBackend):
    """A backend that runs background work (task workers, schedulers)."""


def as_list(value: ArgValue) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def wsgi_application_path() -> str:
    path = getattr(settings, "WSGI_APPLICATION", None)
    if not path:
        raise ConfigurationError(
            "WSGI_APPLICATION is not set, so there is no application to serve",
            'Set WSGI_APPLICATION = "mysite.wsgi.application" in your settings, or '
            'give the entry "APP": "mysite.wsgi.application".',
            "prodserver.E009",
        )
    return str(path)


def asgi_application_path() -> str:
    path = getattr(settings, "ASGI_APPLICATION", None)
    if path:
        return str(path)
    module, _, attr = wsgi_application_path().rpartition(".")
    package = module.rpartition(".")[0]
    return f"{package}.asgi.{attr}" if package else f"asgi.{attr}"


#: Flags and options that every Django management command takes.
DJANGO_COMMAND_FLAGS = frozenset(
    {"traceback", "no-color", "force-color", "skip-checks"}
)
DJANGO_COMMAND_OPTIONS = frozenset({"verbosity", "settings", "pythonpath"})


class ManagementCommandBackend(WorkerBackend):
    """A worker that is a Django management command: ``python -m django COMMAND``.

    The command runs with the ``DJANGO_SETTINGS_MODULE`` and ``PYTHONPATH`` that
    prodserver exports, so it finds the project from any working directory.
    ``verbosity`` in ARGS becomes ``--verbosity``.
    """

    #: The management command's name, e.g. ``"qcluster"``.
    command: ClassVar[str] = ""

    def program_argv(self) -> list[str]:
        return programs.python_module_argv("django", self.command)

    def build_argv(self, options: list[str]) -> list[str]:
        return [*self.program_argv(), *options]
