"""The base classes of every backend.

A backend turns one ``PRODUCTION_PROCESSES`` entry into the argv of a program. It
never imports that program: it only knows its command line. Most backends are
class attributes only::

    class DaphneServer(WebServerBackend):
        program = "daphne"
        host_option = "bind"

        def target(self) -> str:
            return self.asgi_target()

builds ``daphne [options] mysite.asgi:application``. Override
:meth:`ProcessBackend.build_argv` where the program wants its words in another
order, and :meth:`ProcessBackend.check_config` to add checks.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from .. import check_ids
from ..config import messages
from ..config.addresses import Address, parse_bind, parse_port
from ..config.entry import UNSET, ProcessConfig
from ..config.options import (
    ArgsError,
    ArgValue,
    OptionGroup,
    OptionRules,
    group_values,
    join_options,
    option_value,
    options_in_argv,
    positional_words,
    translate,
    translate_all,
    word_groups,
)
from ..config.project_settings import settings
from ..exceptions import ConfigurationError
from ..signals import FORWARDABLE
from ..text import did_you_mean
from . import programs
from .probes import DEFAULT_PATH, HttpProbe, Probe, connect_host

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

#: How to give an entry its ``APP``.
APP_HINT = 'Add "APP": "myproject.celery.app" (module path, then the attribute).'
#: Seconds a stop gets beyond the program's own graceful window: time for its
#: main process to exit once its workers have.
STOP_MARGIN = 5.0
#: The stop budget of a program whose backend says nothing of how long it takes
#: to stop (Docker's own stop timeout).
DEFAULT_STOP_TIMEOUT = 10.0


def seconds_value(text: str | None) -> float | None:
    """A number of seconds written on a command line, or None if it is not one."""
    try:
        seconds = float(text) if text is not None else math.nan
    except ValueError:
        return None
    return seconds if 0 <= seconds < math.inf else None


def after_graceful_window(window: float | None) -> float | None:
    """The stop budget of a program that stops within ``window`` seconds: the
    window plus :data:`STOP_MARGIN` (None, no limit, for a program that sets no
    bound: its own stop is not cut short)."""
    return None if window is None else window + STOP_MARGIN


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
        Its top-level Python module: tells whether it is installed (without
        one, prodserver cannot tell and assumes it is), and runs it as
        ``python -m module`` when the script is missing.
    ``extra``
        The ``django-prodserver[extra]`` that installs it, if there is one.
    ``package``
        What ``pip install`` installs it by, when there is no extra (defaults
        to ``program``).
    ``option_rules``
        Its flags, aliases, known and positional options, an
        :class:`~django_prodserver.config.options.OptionRules`.
    ``stop_signal``
        The signal that stops it gracefully; SIGTERM sent to prodserver becomes this.
    ``accepted_signals``
        The signals it handles; others are not forwarded to it in spawn mode.
    ``can_exec``
        Whether prodserver may replace itself with the program.
    ``reaps_orphans``
        Whether the program reaps every child that exits, its own or not
        (``waitpid(-1)``): as process 1 of a container, where it adopts the
        orphans of every process, it may then replace prodserver there too.
    ``requires_app``
        Whether the entry must have an ``APP`` key.
    ``own_args``
        ARGS keys that prodserver itself handles; they never reach the program.
    ``single_instance``
        Whether exactly one copy of the process may run in a deployment (a
        scheduler such as Celery beat): the exports never scale it out.
    ``oneshot``
        Whether the entry runs once, to completion, rather than until it is
        stopped (a release step): a launch of several processes runs it
        first, and starts the others only if it succeeds.
    ``needs_django_setup``
        Whether the backend's code needs Django's app registry (models, app
        configs): the ``prodserver`` console script then runs ``django.setup()``
        before it checks the entry, as ``manage.py`` always does.
    """

    program: ClassVar[str | None] = None
    module: ClassVar[str | None] = None
    extra: ClassVar[str | None] = None
    package: ClassVar[str | None] = None
    option_rules: ClassVar[OptionRules] = OptionRules()
    stop_signal: ClassVar[str] = "SIGTERM"
    accepted_signals: ClassVar[frozenset[str]] = FORWARDABLE
    can_exec: ClassVar[bool] = True
    reaps_orphans: ClassVar[bool] = False
    requires_app: ClassVar[bool] = False
    own_args: ClassVar[frozenset[str]] = frozenset()
    single_instance: ClassVar[bool] = False
    oneshot: ClassVar[bool] = False
    needs_django_setup: ClassVar[bool] = False

    def __init__(
        self,
        config: ProcessConfig,
        environ: Mapping[str, str] | None = None,
        project_key: str = "",
    ) -> None:
        self.config = config
        self.name = config.name
        #: The environment the program will see (the launcher's plus ``ENV``).
        self.environ: Mapping[str, str] = environ or {}
        #: A short stable id of the project, for per-project file names.
        self.project_key = project_key

    # -- what subclasses override -------------------------------------------------

    def build_argv(self, options: list[str]) -> list[str]:
        """The program's full argv, given its translated ``options``.

        ``options`` holds ARGS, the backend's defaults and the arguments given
        after ``--``. The default is ``[*program_argv(), *options,
        *arguments()]``: the program, its options, then :meth:`target` and the
        positional ARGS.
        """
        return [*self.program_argv(), *options, *self.arguments()]

    def target(self) -> str | None:
        """The positional argument that names what to run (web servers: the
        application, ``mysite.wsgi:application``); None for none."""
        return None

    def default_args(self) -> dict[str, ArgValue]:
        """Options used where ARGS do not set them (canonical names)."""
        return {}

    def environment(self) -> dict[str, str]:
        """Variables this backend sets for the program (``ENV`` still wins)."""
        return {}

    def probe(
        self, extra_args: list[str], http_path: str = DEFAULT_PATH
    ) -> Probe | None:
        """How to tell that the running process is healthy (``--probe``), given
        the arguments after ``--``; None, the default, when there is no check
        better than the process being alive.

        Web servers return an :class:`~django_prodserver.backends.probes.HttpProbe`
        of where they listen (``http_path`` is the path to ask for); a worker may
        return a :class:`~django_prodserver.backends.probes.CommandProbe`, a command
        that asks it (run with the process's environment, never imported here).
        """
        return None

    def broker_url(self) -> str | None:
        """The URL of the message broker the program connects to, which
        ``WAIT_FOR: ["broker"]`` waits for; None if it has none. Read from
        settings and :attr:`environ`, never by importing the program."""
        return None

    def check_config(self) -> list[CheckMessage]:
        """System checks of this entry; extend with ``super().check_config()``
        and :meth:`warning` / :meth:`error`."""
        return [*self.check_installed(), *self.check_known_args()]

    def commands(self, extra_args: list[str]) -> list[list[str]]:
        """Every argv this entry runs, given the arguments after ``--``; one,
        unless the backend runs several copies."""
        return [self.build_argv(self.options(extra_args))]

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """How long a stop may take before what is left of the program is
        killed, when the entry sets no ``STOP_TIMEOUT``; None for no limit.

        ``argv`` is the command line the program runs. A backend whose program
        bounds its own graceful stop reads that bound from its options
        (:meth:`option_in_argv`) and returns :func:`after_graceful_window` of
        it, so that prodserver never cuts the program's own stop short. The
        default, for a program prodserver knows nothing of, is
        :data:`DEFAULT_STOP_TIMEOUT`.
        """
        return DEFAULT_STOP_TIMEOUT

    # -- helpers ------------------------------------------------------------------

    def stop_timeout(self, argv: list[str]) -> float | None:
        """The stop budget of this entry's program: its ``STOP_TIMEOUT``, else
        :meth:`default_stop_timeout`."""
        configured = self.config.stop_timeout
        if configured is UNSET:
            return self.default_stop_timeout(argv)
        return configured

    def option_in_argv(self, argv: Sequence[str], name: str) -> str | None:
        """The value of option ``name`` (canonical) in ``argv``, its last one
        winning as on the command line; None if ``argv`` does not set it."""
        return option_value(self.option_rules, argv, name)

    def option_in_variable(self, variable: str, name: str) -> str | None:
        """The value of option ``name`` in an environment variable that holds
        command-line options (gunicorn's ``GUNICORN_CMD_ARGS``)."""
        try:
            words = shlex.split(self.environ.get(variable, ""))
        except ValueError:  # unbalanced quotes: the program will say so
            return None
        return self.option_in_argv(words, name)

    def warning(self, check_id: str, message: str, hint: str) -> CheckMessage:
        """A check warning about this entry (its name goes first)."""
        return messages.warning(check_id, f"{self.config.label}: {message}", hint)

    def error(self, check_id: str, message: str, hint: str) -> CheckMessage:
        """A check error about this entry (its name goes first)."""
        return messages.error(check_id, f"{self.config.label}: {message}", hint)

    @property
    def args(self) -> dict[Any, ArgValue]:
        """ARGS without the keys prodserver handles itself (``own_args``)."""
        own = self.own_args
        return {
            k: v
            for k, v in self.config.args.items()
            if not (isinstance(k, str) and k.replace("_", "-") in own)
        }

    @cached_property
    def translated(self) -> tuple[list[OptionGroup], list[ArgsError]]:
        """ARGS as option groups, and the items that cannot be translated
        (translated once: the checks report the errors, the command uses both)."""
        if self.config.arg_words:
            return word_groups(self.option_rules, self.config.arg_words), []
        return translate_all(self.option_rules, self.args)

    def configured(self) -> set[str]:
        """The canonical option names that ARGS set."""
        if self.config.arg_words:
            return {group.name for group in self.translated[0] if group.name}
        rules = self.option_rules
        return {rules.canonical(k) for k in self.args if isinstance(k, str)}

    def configured_values(self) -> dict[str, ArgValue]:
        """Each option's value in ARGS, by canonical name (no defaults)."""
        if self.config.arg_words:
            return group_values(self.translated[0])
        rules = self.option_rules
        return {
            rules.canonical(k): v for k, v in self.args.items() if isinstance(k, str)
        }

    def option_values(self) -> dict[str, ArgValue]:
        """Each option's configured value by canonical name: ARGS, then defaults.

        The backend's :meth:`default_args` count where ARGS leave an option unset,
        as on the command line; arguments given after ``--`` are not included.
        """
        rules = self.option_rules
        values = self.configured_values()
        for name, value in self.default_args().items():
            values.setdefault(rules.canonical(name), value)
        return values

    def option_groups(self) -> list[OptionGroup]:
        """ARGS translated; raises the first ARGS error."""
        groups, errors = self.translated
        if errors:
            raise errors[0]
        return groups

    def default_groups(self) -> list[OptionGroup]:
        return translate(self.option_rules, self.default_args())

    def options(self, extra_args: list[str]) -> list[str]:
        """The options of the command line: ARGS, defaults, then ``extra_args``."""
        return join_options(
            self.option_rules, self.option_groups(), self.default_groups(), extra_args
        )

    def arguments(self) -> list[str]:
        """The positional arguments after the options: :meth:`target`, then the
        ARGS that ``option_rules.positional`` names."""
        target = self.target()
        rules = self.option_rules
        positional = positional_words(
            rules, [*self.option_groups(), *self.default_groups()]
        )
        return [*([target] if target else []), *positional]

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
        """``gunicorn is not installed: pip install "django-prodserver[gunicorn]"``."""
        what = cls.program or cls.module or cls.__name__
        if cls.extra:
            return (
                f'{what} is not installed: pip install "django-prodserver[{cls.extra}]"'
            )
        return f"{what} is not installed: pip install {cls.package or what}"

    def app_target(self) -> str:
        """``APP`` as ``module:attr``."""
        if not self.config.app:
            raise ConfigurationError(
                f"{self.config.label} needs APP, the import path of the application "
                "instance",
                APP_HINT,
                check_ids.BAD_APP,
            )
        return dotted_to_target(self.config.app)

    def wsgi_target(self) -> str:
        """``APP`` if given, else ``WSGI_APPLICATION``, as ``module:attr``."""
        return dotted_to_target(self.config.app or wsgi_application_path())

    def asgi_target(self) -> str:
        """``APP``, ``ASGI_APPLICATION``, or the ``asgi`` module beside the WSGI one."""
        return dotted_to_target(self.config.app or asgi_application_path())

    def check_installed(self) -> list[CheckMessage]:
        if self.is_installed():
            return []
        return [
            self.warning(
                check_ids.NOT_INSTALLED,
                self.install_hint(),
                "Install it where this process runs; a dry run still works.",
            )
        ]

    def check_known_args(self) -> list[CheckMessage]:
        """prodserver.W002 for each ARGS key the program does not know."""
        rules = self.option_rules
        if not rules.known:
            return []
        known = rules.all_names() | self.own_args
        messages: list[CheckMessage] = []
        keys: list[object] = list(self.config.args)
        if self.config.arg_words:  # ARGS as a string: the options it names
            keys = [group.name for group in self.translated[0] if group.name]
        for key in keys:
            if not isinstance(key, str):
                continue
            name = rules.canonical(key)
            bare = name[3:] if name.startswith("no-") else name
            if name in known or bare in rules.negatable or len(name) == 1:
                continue
            messages.append(
                self.warning(
                    check_ids.UNKNOWN_OPTION,
                    f"ARGS key {key!r} is not a known "
                    f"{self.program or type(self).__name__} option; it is passed on "
                    f"as --{name}",
                    did_you_mean(name, known, "Check the spelling."),
                )
            )
        return messages


class WebServerBackend(ProcessBackend):
    """A backend that serves HTTP: where it listens, and the ``PORT`` default.

    Its :meth:`target` is ``WSGI_APPLICATION`` (or ``APP``); an ASGI server
    returns :meth:`asgi_target` instead. Where it listens is read from ARGS
    through these class attributes, for the ``PORT`` default and the
    ``prodserver.W003`` check (two web processes on one port):

    ``host_option``, ``port_option``
        The options that take the host and the port (``None`` if the program
        has none).
    ``bind_option``
        The option that takes ``HOST:PORT`` values (gunicorn's ``bind``,
        waitress's ``listen``), if the program has one.
    ``socket_options``
        Options that make it listen on something other than a TCP address (a
        Unix socket, an inherited descriptor): with one set, no address is known.
    ``default_address``
        Where it listens when no option says.
    """

    host_option: ClassVar[str | None] = "host"
    port_option: ClassVar[str | None] = "port"
    bind_option: ClassVar[str | None] = None
    socket_options: ClassVar[frozenset[str]] = frozenset({"uds", "fd"})
    default_address: ClassVar[Address] = ("127.0.0.1", 8000)

    def target(self) -> str | None:
        return self.wsgi_target()

    def address_options(self) -> frozenset[str]:
        """The options that choose where the server listens."""
        named = (self.host_option, self.port_option, self.bind_option)
        return frozenset(name for name in named if name) | self.socket_options

    def default_args(self) -> dict[str, ArgValue]:
        port = self.environ.get("PORT")
        if port and not (self.configured() & self.address_options()):
            return self.port_default(port)
        return {}

    def port_default(self, port: str) -> dict[str, ArgValue]:
        """Options that listen on every interface at ``port`` (Heroku's ``PORT``)."""
        if self.host_option and self.port_option:
            return {self.host_option: "0.0.0.0", self.port_option: port}
        if self.bind_option:
            return {self.bind_option: f"0.0.0.0:{port}"}
        return {self.port_option: port} if self.port_option else {}

    def listen_addresses(self, extra_args: Sequence[str] = ()) -> list[Address]:
        """The TCP addresses the server will listen on, from :meth:`option_values`
        (ARGS by canonical name, so aliases count, then :meth:`default_args` such
        as the ``PORT`` default), :attr:`default_address` for what is unset.
        Options given in ``extra_args`` (after ``--``) replace the configured
        ones, as on the command line.

        A list gives one address per item; a port that is not a number is left
        for the program to reject and gives no address.
        """
        values: dict[str, ArgValue] = dict(self.option_values())
        given = options_in_argv(self.option_rules, extra_args)
        for name in self.option_rules.replaced_by(given):
            values.pop(name, None)
        values.update(given)
        if values.keys() & self.socket_options:
            return []
        if self.bind_option and values.get(self.bind_option) is not None:
            return self.bind_addresses(values[self.bind_option])
        if not (self.host_option or self.port_option):
            return [self.default_address]
        default_host, default_port = self.default_address
        hosts = as_list(values.get(self.host_option or "", default_host))
        ports = as_list(values.get(self.port_option or "", default_port))
        return [
            (str(host), port)
            for host in hosts
            if isinstance(host, str)
            for port in map(parse_port, ports)
            if port is not None
        ]

    def probe(
        self, extra_args: list[str], http_path: str = DEFAULT_PATH
    ) -> Probe | None:
        """A GET of ``http_path`` at the first TCP address the server listens on
        (the loopback for every interface), with a ``Host`` header that
        ``ALLOWED_HOSTS`` accepts; None without a TCP address to ask."""
        addresses = [a for a in self.listen_addresses(extra_args) if a[1] != 0]
        if not addresses:
            return None
        host, port = addresses[0]
        return HttpProbe(connect_host(host), port, http_path, allowed_host())

    def bind_addresses(self, binds: ArgValue) -> list[Address]:
        """The TCP addresses of ``HOST:PORT`` values (``host``, ``[v6]:port``,
        ``tcp://`` too; several in one value if separated by spaces), leaving
        out ``unix:`` and ``fd://`` values."""
        port = self.default_address[1]
        # An empty value is every interface, as gunicorn reads it.
        words = (w for value in as_list(binds) for w in str(value).split() or [""])
        found = (parse_bind(word, port) for word in words)
        return [address for address in found if address is not None]


class WorkerBackend(ProcessBackend):
    """A backend that runs background work (task workers, schedulers)."""


def as_list(value: ArgValue) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


#: A host name or address a ``Host`` header can carry.
HOST_NAME = re.compile(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]")


def allowed_host() -> str:
    """A host name that ``ALLOWED_HOSTS`` accepts, for a probe's ``Host`` header;
    "" when any host is accepted or none is named (the address is then sent)."""
    hosts = [str(h) for h in getattr(settings, "ALLOWED_HOSTS", []) or []]
    if "*" in hosts:
        return ""
    for host in hosts:
        name = host.removeprefix(".")  # ".example.com" accepts example.com too
        if HOST_NAME.fullmatch(name):
            return name
    return ""


def wsgi_application_path() -> str:
    path = getattr(settings, "WSGI_APPLICATION", None)
    if not path:
        raise ConfigurationError(
            "WSGI_APPLICATION is not set, so there is no application to serve",
            'Set WSGI_APPLICATION = "mysite.wsgi.application" in your settings, or '
            'give the entry "APP": "mysite.wsgi.application".',
            check_ids.BAD_APP,
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

    def check_app_installed(self, app: str, what: str, hint: str) -> list[CheckMessage]:
        """``prodserver.E011`` unless the Django ``app`` that provides the
        command (``what``, for the message) is in ``INSTALLED_APPS`` (read
        without loading the app registry, where the setting tells)."""
        from ..config.registry import app_installed

        if app_installed(app):
            return []
        return [
            self.error(
                check_ids.APP_NOT_INSTALLED,
                f"{self.command} needs {what} in INSTALLED_APPS",
                hint,
            )
        ]


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
