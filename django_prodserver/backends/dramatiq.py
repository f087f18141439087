"""Dramatiq through django-dramatiq: ``python -m django rundramatiq …``.

``rundramatiq`` finds the apps' task modules, then replaces itself with the
``dramatiq`` program (``exec``: same PID), which starts ``processes`` worker
processes of ``threads`` threads each. ``queues`` and ``path`` take several
values after one flag (``"queues": ["high", "default"]`` → ``--queues high
default``), as Dramatiq reads them.

Signals (measured with dramatiq 2.2 and django-dramatiq 0.15): one TERM or INT
to the main PID is a graceful stop: the workers finish their running messages
and the program exits 0 (it takes about three seconds even when idle). A
second TERM or INT kills the workers, loses their messages and exits 1. A TERM
sent to the whole process group reaches the workers twice (from the group and
from the main process) and is the same hard kill: the stop signal must reach
the main PID only, as both launch modes do. HUP reloads the workers in place.

Its probe reads ``/proc``: the ``dramatiq`` main process that this entry's
command became (its options, its queues), and at least ``--processes`` worker
processes under it (the main process stops when a worker dies).
QUIT, USR1 and USR2 kill the main process and orphan its workers; TTIN and TTOU
stop a process of a non-orphaned group: none of them is ever forwarded.

How long a graceful stop may take is bounded by ``worker-shutdown-timeout``, in
milliseconds (rundramatiq passes 600000, ten minutes), after which the running
messages are abandoned and the program exits 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..config.argv_options import names_in_argv
from ..config.options import OptionRules
from ..config.project_settings import settings
from .brokers import redis_url
from .management import ManagementCommandBackend, command_rules
from .probes import DEFAULT_PATH, ProgramProbe
from .stop import after_graceful_window, seconds_value

#: django-dramatiq's broker when ``DRAMATIQ_BROKER`` is not set.
DEFAULT_BROKER_URL = "amqp://127.0.0.1:5672"
RABBITMQ_PORT = 5672


#: How long dramatiq waits for its workers' tasks at a stop, in milliseconds.
WORKER_SHUTDOWN_TIMEOUT_MS = 600_000.0


class DramatiqWorker(ManagementCommandBackend):
    """django-dramatiq's ``rundramatiq``, which becomes ``dramatiq``."""

    program = command = "rundramatiq"
    module = "django_dramatiq"
    extra = "dramatiq"
    option_rules = command_rules(
        flags="reload reload-use-polling skip-logging use-gevent use-spawn",
        values="fork-function log-file path pid-file processes queues threads watch "
        "worker-shutdown-timeout",
        several_values="path queues",
        # ``dramatiq`` options that rundramatiq spells differently.
        aliases="queue=queues watch-use-polling=reload-use-polling",
        short="P=path Q=queues p=processes t=threads",
    )
    accepted_signals = frozenset({"SIGHUP", "SIGINT", "SIGTERM"})
    django_app = (
        "django_dramatiq",
        "django-dramatiq's app",
        'Add "django_dramatiq" to INSTALLED_APPS, and a DRAMATIQ_BROKER.',
    )

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """``--worker-shutdown-timeout`` (milliseconds; dramatiq's default is
        600000, ten minutes), plus the margin."""
        value = seconds_value(self.option_in_argv(argv, "worker-shutdown-timeout"))
        milliseconds = WORKER_SHUTDOWN_TIMEOUT_MS if value is None else value
        return after_graceful_window(milliseconds / 1000)

    def broker_url(self) -> str | None:
        """The URL of ``DRAMATIQ_BROKER``: its ``OPTIONS["url"]``, or the URL
        of its connection options (Redis or RabbitMQ); None for other brokers."""
        config = getattr(settings, "DRAMATIQ_BROKER", None)
        if config is None:
            return DEFAULT_BROKER_URL
        if not isinstance(config, Mapping):
            return None
        options = config.get("OPTIONS") or {}
        if not isinstance(options, Mapping):
            return None
        url = options.get("url")
        if isinstance(url, str) and url:
            return url
        broker = str(config.get("BROKER", "")).rpartition(".")[2]
        if broker.startswith("Redis"):
            return redis_url(options)
        if broker.startswith("Rabbitmq"):
            host = options.get("host") or "localhost"
            return f"amqp://{host}:{options.get('port') or RABBITMQ_PORT}"
        return None

    def probe(
        self, extra_args: list[str], http_path: str = DEFAULT_PATH
    ) -> ProgramProbe:
        """The ``dramatiq`` process this entry's command becomes, and its
        worker processes: Dramatiq answers nothing a probe could ask."""
        start = len(self.program_argv())
        patterns = tuple(
            self.running_pattern(argv[start:]) for argv in self.commands(extra_args)
        )
        return ProgramProbe(patterns, "dramatiq")

    def running_pattern(self, args: Sequence[str]) -> str:
        """A regular expression of the command line that rundramatiq, given
        ``args``, replaces itself with: ``dramatiq --path … --processes N
        --threads N --worker-shutdown-timeout MS …`` and the task modules it
        found, then the options it passes on at the end. Values that ``args``
        leave to rundramatiq's defaults match any number."""

        def number(name: str) -> str:
            value = self.option_in_argv(args, name)
            return str(int(value)) if value and value.isdigit() else r"\d+"

        gevent = (
            "-gevent" if "use-gevent" in names_in_argv(self.option_rules, args) else ""
        )
        head = (
            rf"(?:.* )?\S*dramatiq{gevent} --path(?: .*)? "
            rf"--processes (?P<workers>{number('processes')}) "
            rf"--threads {number('threads')} "
            rf"--worker-shutdown-timeout {number('worker-shutdown-timeout')}"
        )
        tail = "".join(f" {re.escape(word)}" for word in self.passed_on(args))
        return rf"{head}(?: .*)?{tail}"

    def passed_on(self, args: Sequence[str]) -> list[str]:
        """The words rundramatiq puts after the task modules, in its order."""
        words = [*queue_words(self.option_rules, args)]
        for name in ("pid-file", "log-file"):
            value = self.option_in_argv(args, name)
            words += [f"--{name}", value] if value else []
        flags = names_in_argv(self.option_rules, args)
        words += [
            f"--{flag}" for flag in ("skip-logging", "use-spawn") if flag in flags
        ]
        return words


def queue_words(rules: OptionRules, args: Sequence[str]) -> list[str]:
    """``--queues`` and the queues the last one in ``args`` names (the words
    after it, or its own value: ``--queues=a``, ``-Qa``), as rundramatiq passes
    them on; none when it names none."""
    queues: list[str] = []
    taking = False
    for word in args:
        inline = (
            word[2:] if word.startswith("-Q") and not word.startswith("--") else None
        )
        if inline is not None or names_in_argv(rules, [word]) == {"queues"}:
            value = inline or word.partition("=")[2]
            queues, taking = [value] if value else [], not value
        elif taking and not word.startswith("-"):
            queues.append(word)
        else:
            taking = False
    return ["--queues", *queues] if queues else []
