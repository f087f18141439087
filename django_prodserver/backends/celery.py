"""Celery: ``celery -A APP worker …``, ``celery -A APP beat …`` and
``celery -A APP flower …``.

``APP`` takes what ``celery -A`` takes, and Celery resolves it as its own ``-A``
would: a module (``config.celery_app``; Celery finds the app inside it), or the
app's path (``mysite.celery.app``, written ``-A mysite.celery:app``), or
``module:attr``. It goes before the subcommand, and so do Celery's own global
options when ARGS set them (``broker``, ``skip-checks``…): ``celery worker
--broker=…`` is an error. A list of queues becomes one comma-joined
``--queues`` (``-Q a -Q b`` keeps only ``b``).

Signals: the worker's TERM is a warm shutdown (running tasks finish), INT once
is warm and twice cold, QUIT is cold, HUP re-executes it in place and USR1 logs
its threads' stacks. A TERM sent to the worker's whole process group reaches its
pool children too and loses their tasks, so it must reach the main PID only,
which exec mode gives by construction. Beat handles TERM and INT only.

Flower, the web monitor, is one process: TERM and INT stop it with status 0
within a second; QUIT, HUP, USR1 and USR2 kill it, TTIN/TTOU freeze it.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.module_loading import import_string

from .. import check_ids
from ..config.addresses import Address
from ..config.entry import SETTING
from ..config.options import (
    FALSE_WORDS,
    TRUE_WORDS,
    ArgValue,
    OptionRules,
    options_in_argv,
)
from ..config.project_settings import settings
from . import programs
from .base import (
    WebServerBackend,
    WorkerBackend,
    after_graceful_window,
    dotted_to_target,
    seconds_value,
)
from .celery_options import (
    BEAT_FLAGS,
    BEAT_NEGATABLE,
    BEAT_OPTIONS,
    BEAT_SHORT,
    FLOWER_BOOLEANS,
    FLOWER_OPTIONS,
    GLOBAL,
    GLOBAL_FLAGS,
    GLOBAL_OPTIONS,
    GLOBAL_SHORT,
    WORKER_FLAGS,
    WORKER_OPTIONS,
    WORKER_SHORT,
)
from .copies import node_name_of_copy, replaced_options
from .declare import INT_AND_TERM
from .probes import DEFAULT_PATH, PROBE_TIMEOUT, CommandProbe, Probe

#: The worker pools that end a task at its hard time limit, stopping or not (the
#: solo and threads pools let it run on); ``processes`` is prefork's alias.
TIME_LIMITED_POOLS = frozenset({"prefork", "processes", "gevent"})

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

#: Flower reads ``FLOWER_<OPTION>`` variables; these choose its address.
FLOWER_ADDRESS_VARIABLES = ("FLOWER_ADDRESS", "FLOWER_PORT", "FLOWER_UNIX_SOCKET")


def split_global(
    tokens: Sequence[str], rules: OptionRules
) -> tuple[list[str], list[str]]:
    """Separate the tokens of Celery's global options from the subcommand's.

    A global option's value may be a separate token (``-b URL``, ``--broker URL``
    after ``--``): it goes along with its option.
    """
    before: list[str] = []
    after: list[str] = []
    pending_value = False
    for token in tokens:
        if pending_value:
            before.append(token)
            pending_value = False
            continue
        name = option_name(token, rules)
        if name in GLOBAL:
            before.append(token)
            pending_value = name in GLOBAL_OPTIONS and "=" not in token
        else:
            after.append(token)
    return before, after


def option_name(token: str, rules: OptionRules) -> str | None:
    """The canonical option a token names (``--broker=x``, ``-b``), else None."""
    if token.startswith("--") and len(token) > 2:
        return rules.canonical(token[2:].split("=", 1)[0])
    if token.startswith("-") and len(token) == 2:
        return rules.short.get(token[1], token[1])
    return None


class CeleryBackend(WorkerBackend):
    """What the Celery worker and beat share: the app, global options, the extra."""

    program = "celery"
    module = "celery"
    extra = "celery"
    requires_app = True
    subcommand: ClassVar[str] = ""

    def build_argv(self, options: list[str]) -> list[str]:
        before, after = split_global(options, self.option_rules)
        return [
            *self.program_argv(),
            "-A",
            self.celery_app(),
            *before,
            self.subcommand,
            *after,
        ]

    def celery_app(self) -> str:
        """``APP`` as ``-A`` takes it: a module as it is (Celery looks inside),
        the app's dotted path as ``module:attr``."""
        self.app_target()  # APP is required
        return celery_app_value(str(self.config.app))

    def check_config(self) -> list[CheckMessage]:
        return [*super().check_config(), *self.check_app_module()]

    def check_app_module(self) -> list[CheckMessage]:
        """The module that ``APP`` names must exist (found without importing it)."""
        app = str(self.config.app)
        if any(programs.is_installed(module) for module in app_modules(app)):
            return []
        return [
            self.error(
                check_ids.CELERY_APP_NOT_FOUND,
                f"APP {app!r} names no module that can be imported "
                f"(looked for {' and '.join(sorted(app_modules(app)))})",
                "Write APP as `celery -A` takes it: the module of your Celery app "
                '("config.celery_app") or the app\'s path ("mysite.celery.app"), '
                "and check that the project is on the Python path.",
            )
        ]

    def broker_url(self) -> str | None:
        """``CELERY_BROKER_URL`` of the environment, else the broker the app's
        module or settings configure (see :mod:`.celery_broker`); a ``broker``
        in ARGS wins over both."""
        configured = self.option_values().get("broker")
        if isinstance(configured, str) and configured:
            return configured
        from . import celery_broker  # only for WAIT_FOR: not on every launch

        return celery_broker.broker_url(self.config.app, self.environ)


def app_modules(app: str) -> set[str]:
    """The modules ``APP`` may name: ``a.b:c`` → a.b; ``a.b.c`` → a.b.c or a.b."""
    if ":" in app:
        return {app.split(":", 1)[0]}
    return {app, app.rpartition(".")[0]} - {""}


def celery_app_value(app: str) -> str:
    """What ``-A`` gets for ``APP``, resolved as Celery resolves it."""
    if ":" in app or programs.is_installed(app):
        return app
    return dotted_to_target(app)


class CeleryWorker(CeleryBackend):
    """``celery -A APP worker``: runs the tasks.

    The node keeps Celery's default name, ``celery@HOST``, unless several worker
    entries of the same app are configured: then each is ``NAME@%h`` (NAME is
    the process's name), since two nodes of one name on one host collide in
    remote control and mingle; copy i of several is ``NAME.i@%h``.
    """

    subcommand = "worker"
    option_rules = OptionRules(
        flags=GLOBAL_FLAGS | WORKER_FLAGS,
        comma_joined=frozenset({"queues", "exclude-queues", "include", "autoscale"}),
        aliases={
            "events": "task-events",
            "discard": "purge",
            "schedule-filename": "schedule",
        },
        short=WORKER_SHORT,
        known=GLOBAL | WORKER_FLAGS | WORKER_OPTIONS,
    )
    accepted_signals = frozenset({"SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1"})

    def default_args(self) -> dict[str, ArgValue]:
        if "hostname" in self.configured() or not self.shares_its_app():
            return {}
        return {"hostname": f"{self.name}@%h"}

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """A warm shutdown waits for the running tasks: the hard time limit
        (``time-limit``, else ``CELERY_TASK_TIME_LIMIT``) plus the margin, where
        the pool enforces it; no limit otherwise, as Celery itself."""
        pool = self.option_in_argv(argv, "pool") or setting("CELERY_WORKER_POOL")
        if str(pool or "prefork") not in TIME_LIMITED_POOLS:
            return None
        limit = self.option_in_argv(argv, "time-limit")
        if limit is None:
            limit = setting("CELERY_TASK_TIME_LIMIT")
        return after_graceful_window(seconds_value(limit))

    def probe(self, extra_args: list[str], http_path: str = DEFAULT_PATH) -> Probe:
        """``celery -A APP inspect ping`` to this worker's own node, through the
        broker: healthy when the worker answers. The node name is the worker's
        (``--hostname`` of ARGS, of the arguments after ``--`` or prodserver's
        default) on this host, as Celery expands it."""
        options = self.options(extra_args)
        before, after = split_global(options, self.option_rules)
        given = options_in_argv(self.option_rules, after).get("hostname")
        node = node_name(given[-1] if given else None, socket.gethostname())
        timeout = f"{PROBE_TIMEOUT:g}"
        argv = [*self.program_argv(), "-A", self.celery_app(), *before]
        argv += ["inspect", "ping", f"--destination={node}", f"--timeout={timeout}"]
        return CommandProbe(tuple(argv), f"celery inspect ping {node}")

    def copy_args(self, extra_args: list[str], index: int) -> list[str]:
        """Copy ``index`` is node ``NAME.index@HOST`` (nodes must not share a name)."""
        own = split_global(self.options(extra_args), self.option_rules)[1]
        node = node_name_of_copy(self.option_in_argv(own, "hostname"), self.name, index)
        return replaced_options(self.option_rules, extra_args, {"hostname": node})

    def shares_its_app(self) -> bool:
        """Whether another worker entry of the setting runs the same app."""
        processes = getattr(settings, SETTING, {})
        if not isinstance(processes, Mapping):
            return False
        mine = celery_app_value(str(self.config.app))
        return any(
            name != self.name
            and isinstance(entry, Mapping)
            and is_celery_worker(entry.get("BACKEND"))
            and isinstance(entry.get("APP"), str)
            and celery_app_value(entry["APP"]) == mine
            for name, entry in processes.items()
        )


def setting(name: str) -> str | None:
    """A Celery setting of the Django settings (the ``CELERY_`` namespace)."""
    value = getattr(settings, name, None)
    return None if value is None else str(value)


def node_name(hostname: str | None, host: str) -> str:
    """The node name a worker started with ``--hostname=hostname`` (None: not
    given) has on ``host``, as Celery makes it: ``celery@HOST`` by default, a
    name without ``@`` is a host, and ``%h``, ``%n``, ``%d`` become the host
    name, its first label and its domain, ``%%`` a ``%``."""
    name, at, node_host = (hostname or "").partition("@")
    if not at:
        name, node_host = "", name
    full = f"{name or 'celery'}@{node_host or host}"
    short, _, domain = host.partition(".")
    keys = {"h": host, "n": short, "d": domain, "%": "%"}
    return re.sub(r"%([%\w])", lambda m: keys.get(m[1], m[0]), full)


def is_celery_worker(path: object) -> bool:
    """Whether a ``BACKEND`` value names a Celery worker backend."""
    try:
        backend = import_string(path) if isinstance(path, str) else None
    except Exception:  # a broken entry: its own checks report it
        return False
    return isinstance(backend, type) and issubclass(backend, CeleryWorker)


#: The name of beat's schedule file where Celery's default scheduler keeps it.
SCHEDULE_FILE = "celerybeat-schedule"


class CeleryBeat(CeleryBackend):
    """``celery -A APP beat``: sends the periodic tasks of the schedule.

    Its schedule file goes where Celery puts it: ``celerybeat-schedule`` in the
    working directory, unless ARGS set ``schedule``.
    """

    subcommand = "beat"
    option_rules = OptionRules(
        flags=GLOBAL_FLAGS | BEAT_FLAGS,
        negatable=BEAT_NEGATABLE,
        short=BEAT_SHORT,
        known=GLOBAL | BEAT_FLAGS | BEAT_NEGATABLE | BEAT_OPTIONS,
    )
    accepted_signals = INT_AND_TERM
    # Two beats send every periodic task twice.
    single_instance = True
    # Beat has no remote control and writes no heartbeat: its process is the sign.
    probe_running = True

    def writable_args(self, directory: str, extra_args: Sequence[str]) -> list[str]:
        """Celery's default scheduler keeps its schedule in a file of the
        working directory; another scheduler (``django_celery_beat``'s, in the
        database) or a schedule file of the user's own needs nothing."""
        given = self.configured() | set(options_in_argv(self.option_rules, extra_args))
        if given & {"schedule", "scheduler"}:
            return []
        return [f"--schedule={directory}/{SCHEDULE_FILE}"]


class CeleryFlower(CeleryBackend, WebServerBackend):
    """``celery -A APP flower``: Flower, the web monitor of Celery's workers.

    Its options are Tornado's: always ``--name=value`` (``--port 5555`` with a
    space is an error), and a boolean is written ``--debug=True`` or
    ``--auto-refresh=False``, which is how prodserver writes ``True``/``False``
    (Flower's ``auto-refresh`` and ``enable-events`` are on by default).
    ``basic-auth`` takes a list. Flower silently ignores options it does not
    know: ``manage.py check`` warns about them (``prodserver.W002``).

    Flower listens on port 5555 of every interface unless ARGS (``address``,
    ``port``, ``unix-socket``) or its ``FLOWER_ADDRESS``/``FLOWER_PORT``
    variables say otherwise; with ``PORT`` set and neither, on
    ``0.0.0.0:$PORT``. ``GET /healthcheck`` answers ``OK``.
    """

    subcommand = "flower"
    option_rules = OptionRules(
        flags=GLOBAL_FLAGS,
        comma_joined=frozenset({"basic-auth", "task-runtime-metric-buckets"}),
        short=GLOBAL_SHORT,
        known=GLOBAL | FLOWER_BOOLEANS | FLOWER_OPTIONS,
    )
    # TERM and INT stop it; QUIT, HUP, USR1 and USR2 kill it, TTIN/TTOU freeze it.
    accepted_signals = INT_AND_TERM
    host_option = "address"
    socket_options: ClassVar[frozenset[str]] = frozenset({"unix-socket"})
    default_address: ClassVar[Address] = ("0.0.0.0", 5555)
    # Answers without the basic auth that its pages may ask for.
    health_path = "/healthcheck"
    # ``celery flower`` is a subcommand that the flower package adds to celery.
    extra = "flower"

    @classmethod
    def is_installed(cls) -> bool:
        return super().is_installed() and programs.is_installed("flower")

    @property
    def args(self) -> dict[Any, ArgValue]:
        return {key: self.tornado_value(key, v) for key, v in super().args.items()}

    def tornado_value(self, key: object, value: ArgValue) -> ArgValue:
        """A boolean option's value as Tornado reads it: ``"True"`` or
        ``"False"`` (Tornado takes ``no`` or ``off`` for true)."""
        if not (
            isinstance(key, str) and self.option_rules.canonical(key) in FLOWER_BOOLEANS
        ):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return str(value.strip().lower() in TRUE_WORDS)
        return str(value) if isinstance(value, bool) else value

    def default_args(self) -> dict[str, ArgValue]:
        if any(self.environ.get(name) for name in FLOWER_ADDRESS_VARIABLES):
            return {}
        return super().default_args()
