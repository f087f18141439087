"""Huey through its Django app: ``python -m django run_huey --graceful-signal=TERM …``.

The consumer's settings come from ``HUEY["consumer"]``; ARGS (``workers``,
``worker-type``, ``shutdown-timeout``…) are its command-line options, which win
over those settings.

Signals (measured with huey 3.5): the consumer's graceful signal is SIGINT by
default, and its SIGTERM stops *at once*, abandoning the running tasks. So
prodserver passes ``--graceful-signal=TERM`` (unless ARGS choose one): SIGTERM
then lets the running tasks finish and the consumer exits 0, in exec mode too,
where the consumer itself receives the platform's SIGTERM. A second SIGTERM,
or a SIGINT, interrupts the running tasks and exits 0. HUP makes the consumer
re-execute ``sys.argv``, which fails under ``python -m django`` (exit 1); QUIT,
USR1 and USR2 kill it (and orphan process workers); TTIN and TTOU stop a process
of a non-orphaned group: none of them is ever forwarded.

How long a graceful stop may take is bounded by ``shutdown-timeout`` (or
``HUEY["consumer"]["shutdown_timeout"]``); without it the consumer waits for
its tasks however long they run.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.checks import CheckMessage

from .. import check_ids
from ..config.options import ArgValue
from ..config.project_settings import settings
from .brokers import redis_url
from .declare import INT_AND_TERM
from .management import ManagementCommandBackend, command_rules
from .stop import after_graceful_window, seconds_value

#: The graceful signal prodserver asks for, so that SIGTERM is graceful.
GRACEFUL = "TERM"
#: The keys of a ``HUEY`` dict that are not connection parameters.
NOT_CONNECTION = frozenset(
    {"huey_class", "name", "consumer", "connection", "immediate", "results",
     "store_none", "utc", "serializer", "compression", "use_zlib"}
)  # fmt: skip


class HueyConsumer(ManagementCommandBackend):
    """djhuey's ``run_huey``, with SIGTERM as its graceful signal."""

    program = command = "run_huey"
    # The consumer answers nothing and records no heartbeat: its process is the sign.
    probe_running = True
    module = "huey"
    extra = "huey"
    option_rules = command_rules(
        flags="""
            disable-autoload disable-health-check flush-locks huey-verbose
            no-periodic quiet simple
        """,
        values="""
            backoff delay extra-locks graceful-signal health-check-interval logfile
            max-delay max-tasks scheduler-interval shutdown-timeout worker-type
            workers
        """,
        short="""
            A=disable-autoload C=disable-health-check L=extra-locks M=max-tasks
            S=simple V=huey-verbose b=backoff c=health-check-interval d=delay
            f=flush-locks g=graceful-signal k=worker-type l=logfile m=max-delay
            n=no-periodic q=quiet s=scheduler-interval t=shutdown-timeout
            w=workers
        """,
        # ``HUEY["consumer"]`` keys and ``huey_consumer`` options that run_huey
        # spells differently.
        aliases="verbose=huey-verbose initial-delay=delay simple-log=simple",
    )
    accepted_signals = INT_AND_TERM
    django_app = (
        "huey.contrib.djhuey",
        "Huey's Django app",
        'Add "huey.contrib.djhuey" to INSTALLED_APPS.',
    )

    def default_args(self) -> dict[str, ArgValue]:
        return {"graceful-signal": GRACEFUL}

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """``--shutdown-timeout``, else ``HUEY["consumer"]["shutdown_timeout"]``,
        plus the margin; without either the consumer waits for its tasks, and
        so does prodserver."""
        window = seconds_value(self.option_in_argv(argv, "shutdown-timeout"))
        config = getattr(settings, "HUEY", None)
        consumer = config.get("consumer") if isinstance(config, Mapping) else None
        if window is None and isinstance(consumer, Mapping):
            window = seconds_value(str(consumer.get("shutdown_timeout") or "") or None)
        return after_graceful_window(window)

    def broker_url(self) -> str | None:
        """The Redis URL of ``HUEY`` (its ``connection``, or top-level
        connection keys); None for a storage other than Redis, or a ``HUEY``
        that is a Huey instance."""
        config = getattr(settings, "HUEY", None)
        if config is None:
            return redis_url({})  # djhuey's default: RedisHuey on localhost
        if not isinstance(config, Mapping):
            return None
        huey_class = str(config.get("huey_class", "huey.RedisHuey"))
        if "Redis" not in huey_class.rpartition(".")[2]:
            return None
        connection = config.get("connection") or {}
        params = {k: v for k, v in config.items() if k not in NOT_CONNECTION}
        if isinstance(connection, Mapping):
            params.update(connection)
        return redis_url(params)

    def check_config(self) -> list[CheckMessage]:
        return [
            *super().check_config(),
            *self.check_graceful_signal(),
            *self.check_immediate(),
        ]

    def check_graceful_signal(self) -> list[CheckMessage]:
        configured = self.option_values().get("graceful-signal")
        if str(configured).upper().removeprefix("SIG") == GRACEFUL:
            return []
        return [
            self.warning(
                check_ids.HUEY_TERM_INTERRUPTS_TASKS,
                f"ARGS 'graceful-signal' is {configured!r}: SIGTERM, which "
                "platforms and prodserver send to stop a process, then interrupts "
                "the running tasks",
                "Leave 'graceful-signal' out: prodserver passes "
                "--graceful-signal=TERM.",
            )
        ]

    def check_immediate(self) -> list[CheckMessage]:
        config = getattr(settings, "HUEY", None)
        if not isinstance(config, Mapping):
            return []
        if "immediate" in config:
            immediate, why = config["immediate"], "HUEY['immediate'] is True"
        else:
            immediate = settings.DEBUG
            why = "HUEY has no 'immediate' key and DEBUG is on"
        if not immediate:
            return []
        return [
            self.warning(
                check_ids.HUEY_IMMEDIATE_MODE,
                f"{why}: Huey then runs each task in the process that enqueues "
                "it, and run_huey refuses to start",
                'Set "immediate": False in HUEY for a consumer to run the tasks.',
            )
        ]
