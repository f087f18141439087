"""Celery: ``celery -A APP worker …`` and ``celery -A APP beat …``.

``APP`` (``mysite.celery.app``) becomes ``-A mysite.celery:app`` before the
subcommand, and so do Celery's own global options when ARGS set them
(``broker``, ``skip-checks``…): ``celery worker --broker=…`` is an error. A list
of queues becomes one comma-joined ``--queues`` (``-Q a -Q b`` keeps only ``b``).

Signals: the worker's TERM is a warm shutdown (running tasks finish), INT once
is warm and twice cold, QUIT is cold, HUP re-executes it in place and USR1 logs
its threads' stacks. A TERM sent to the worker's whole process group reaches its
pool children too and loses their tasks, so it must reach the main PID only,
which exec mode gives by construction. Beat handles TERM and INT only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from django.conf import settings

from ..options import ArgValue, OptionRules
from .base import WorkerBackend, after_graceful_window, seconds_value

#: The worker pools that end a task at its hard time limit, stopping or not (the
#: solo and threads pools let it run on); ``processes`` is prefork's alias.
TIME_LIMITED_POOLS = frozenset({"prefork", "processes", "gevent"})

#: Options of the ``celery`` command itself, which precede the subcommand.
GLOBAL_FLAGS = frozenset({"no-color", "quiet", "skip-checks"})
GLOBAL_OPTIONS = frozenset({"broker", "result-backend", "loader", "config", "workdir"})
GLOBAL = GLOBAL_FLAGS | GLOBAL_OPTIONS
GLOBAL_SHORT = {"b": "broker", "C": "no-color", "q": "quiet"}

#: Options both subcommands take (daemonization and logging).
COMMON_OPTIONS = frozenset(
    {"loglevel", "logfile", "pidfile", "uid", "gid", "umask", "executable"}
)

WORKER_FLAGS = frozenset(
    {
        "detach", "disable-prefetch", "task-events", "purge", "without-gossip",
        "without-mingle", "without-heartbeat", "beat",
    }
)  # fmt: skip
WORKER_OPTIONS = COMMON_OPTIONS | {
    "hostname", "statedb", "optimization", "prefetch-multiplier", "concurrency",
    "pool", "time-limit", "soft-time-limit", "max-tasks-per-child",
    "pool-start-method", "max-memory-per-child", "queues", "exclude-queues",
    "include", "heartbeat-interval", "autoscale", "schedule", "scheduler",
}  # fmt: skip
WORKER_SHORT = {
    **GLOBAL_SHORT,
    "n": "hostname", "D": "detach", "S": "statedb", "l": "loglevel",
    "O": "optimization", "c": "concurrency", "P": "pool", "E": "task-events",
    "Q": "queues", "X": "exclude-queues", "I": "include", "B": "beat",
    "s": "schedule", "f": "logfile",
}  # fmt: skip

BEAT_FLAGS = frozenset({"detach"})
BEAT_NEGATABLE = frozenset({"enable-remote-control"})
BEAT_OPTIONS = COMMON_OPTIONS | {"schedule", "scheduler", "max-interval", "hostname"}
BEAT_SHORT = {
    **GLOBAL_SHORT,
    "s": "schedule", "S": "scheduler", "n": "hostname", "l": "loglevel",
    "f": "logfile",
}  # fmt: skip


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
            self.app_target(),
            *before,
            self.subcommand,
            *after,
        ]


class CeleryWorker(CeleryBackend):
    """``celery -A APP worker``: runs the tasks.

    Each process gets its own node name, ``--hostname=NAME@%h`` (NAME is the
    process's name in ``PRODUCTION_PROCESSES``), unless ARGS set one: two
    workers on one host with Celery's default ``celery@%h`` collide in remote
    control and mingle.
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
        if "hostname" in self.configured():
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


def setting(name: str) -> str | None:
    """A Celery setting of the Django settings (the ``CELERY_`` namespace)."""
    value = getattr(settings, name, None)
    return None if value is None else str(value)


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
    accepted_signals = frozenset({"SIGINT", "SIGTERM"})
