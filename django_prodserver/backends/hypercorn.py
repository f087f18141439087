"""Hypercorn: ``hypercorn [options] mysite.asgi:application``.

What hypercorn (0.18) does with signals, sent to its main process:

- TERM or INT: graceful stop. With one worker process (its default, ``-w 1``)
  or none (``-w 0``, everything in one process), requests in flight finish
  within ``graceful-timeout`` (3 s by default; a longer request is cancelled
  and answered with a 500), then it exits 0. A second TERM changes nothing.
- **With two workers or more, TERM and INT drop the requests in flight**: the
  main process returns as soon as its first worker (an idle one) has exited and
  terminates the others. ``manage.py check`` warns (``prodserver.W011``).
- HUP replaces the workers (a reload) when there are workers; with ``-w 0`` it
  kills the server. QUIT, USR1 and USR2 kill the main process and leave its
  workers serving; TTIN/TTOU freeze it. prodserver forwards TERM and INT only.
- A TERM sent to the whole process group reaches the workers, which have no
  handler for it in multi-process mode: they die with their requests. It must
  reach the main PID only, as exec mode gives by construction and spawn mode
  does.

Each start logs "ASGI Framework Lifespan error, continuing without Lifespan
support": Django does not implement the lifespan protocol, and hypercorn has no
option to stop asking. The warning is harmless.

With no ``bind`` it listens on 127.0.0.1:8000; it does not read ``PORT``
(prodserver adds ``--bind=0.0.0.0:$PORT`` when it is set).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.checks import CheckMessage

from .. import check_ids
from ..config.options import OptionRules, positive_int
from .base import WebServerBackend, after_graceful_window, seconds_value

#: How long hypercorn lets requests finish at a stop, unless it is told.
GRACEFUL_TIMEOUT = 3.0

# From hypercorn 0.18's argparse definitions (``hypercorn --help``).
FLAGS = frozenset({"daemon", "debug", "reload"})
VALUE_OPTIONS = frozenset(
    {
        "access-log", "access-logfile", "access-logformat", "backlog", "bind",
        "ca-certs", "cert-reqs", "certfile", "ciphers", "config", "error-log",
        "error-logfile", "graceful-timeout", "group", "insecure-bind",
        "keep-alive", "keyfile", "keyfile-password", "log-config", "log-level",
        "max-requests", "max-requests-jitter", "pid", "quic-bind", "read-timeout",
        "root-path", "server-name", "statsd-host", "statsd-prefix", "umask",
        "user", "verify-mode", "websocket-ping-interval", "worker-class",
        "workers",
    }
)  # fmt: skip
SHORT = {
    "D": "daemon", "b": "bind", "c": "config", "g": "group", "k": "worker-class",
    "m": "umask", "p": "pid", "u": "user", "w": "workers",
}  # fmt: skip
#: ``--log-file`` is hypercorn's second name of ``--error-logfile``; the others
#: are the names of its configuration file (``hypercorn.toml``).
ALIASES = {
    "log-file": "error-logfile",
    "accesslog": "access-logfile",
    "access-log-format": "access-logformat",
    "errorlog": "error-logfile",
    "loglevel": "log-level",
    "logconfig": "log-config",
    "keep-alive-timeout": "keep-alive",
    "pid-path": "pid",
    "use-reloader": "reload",
    "server-names": "server-name",
}


class HypercornServer(WebServerBackend):
    """Hypercorn serving ``ASGI_APPLICATION`` (or ``APP``).

    Keep ``workers`` at 1 (the default) or 0: with more, a stop drops the
    requests in flight. Run more hypercorn processes for more capacity.
    """

    program = "hypercorn"
    module = "hypercorn"
    extra = "hypercorn"
    option_rules = OptionRules(
        flags=FLAGS,
        aliases=ALIASES,
        short=SHORT,
        known=FLAGS | VALUE_OPTIONS,
    )
    # TERM and INT stop it gracefully. HUP would kill a single-process hypercorn
    # (-w 0); QUIT, USR1 and USR2 orphan its workers; TTIN/TTOU freeze it.
    accepted_signals = frozenset({"SIGINT", "SIGTERM"})
    # Every address is a ``bind`` (``unix:`` and ``fd://`` binds are not TCP).
    bind_option = "bind"
    host_option = port_option = None
    socket_options: ClassVar[frozenset[str]] = frozenset()

    def target(self) -> str:
        return self.asgi_target()

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """``graceful-timeout`` (3 s unless set), plus the margin."""
        window = seconds_value(self.option_in_argv(argv, "graceful-timeout"))
        return after_graceful_window(GRACEFUL_TIMEOUT if window is None else window)

    def check_config(self) -> list[CheckMessage]:
        return [*super().check_config(), *self.check_workers()]

    def check_workers(self) -> list[CheckMessage]:
        """prodserver.W011: two workers or more drop requests on stop."""
        workers = positive_int(self.option_values().get("workers", 1))
        if workers is None or workers < 2:
            return []
        return [
            self.warning(
                check_ids.HYPERCORN_WORKERS_DROP_REQUESTS,
                f"hypercorn with {workers} workers drops the requests in flight "
                "when it stops (SIGTERM or SIGINT)",
                'Keep "workers" at 1 (the default) and run more hypercorn '
                "processes behind your proxy for more capacity.",
            )
        ]
