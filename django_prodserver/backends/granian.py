"""Granian: ``granian --interface wsgi|asginl [options] mysite.wsgi:application``.

Granian's default interface (``rsgi``) answers every Django request with a 500,
so each backend names its interface. ``--blocking-threads`` and
``--workers-kill-timeout`` get defaults (see :class:`GranianServer`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from .. import check_ids
from ..config.options import ArgValue
from .base import WebServerBackend, after_graceful_window
from .declare import names, program_rules

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

# From granian 2.x's click definitions (``granian --help``).
NEGATABLE = names(
    """
    access-log factory http1-keep-alive http1-pipeline-flush http2-adaptive-window
    log metrics reload reload-ignore-worker-failure respawn-failed-workers
    ssl-client-verify ws
    """
)
VALUE_OPTIONS = names(
    """
    access-log-fmt backlog backpressure blocking-threads
    blocking-threads-idle-timeout env-files host http http1-buffer-size
    http1-header-read-timeout http2-initial-connection-window-size
    http2-initial-stream-window-size http2-keep-alive-interval
    http2-keep-alive-timeout http2-max-concurrent-streams http2-max-frame-size
    http2-max-headers-size http2-max-send-buffer-size interface log-config log-level
    loop metrics-address metrics-port metrics-scrape-interval pid-file port
    process-name reload-ignore-dirs reload-ignore-paths reload-ignore-patterns
    reload-paths reload-tick respawn-interval rss-sample-interval rss-samples
    runtime-blocking-threads runtime-mode runtime-threads ssl-ca ssl-certificate
    ssl-crl ssl-keyfile ssl-keyfile-password ssl-protocol-min
    static-path-dir-to-file static-path-expires static-path-mount static-path-route
    task-impl uds uds-permissions url-path-prefix workers workers-kill-timeout
    workers-lifetime workers-max-rss working-dir
    """
)
#: Keys that earlier django-prodserver releases documented, as granian spells them.
ALIASES = {
    "address": "host",
    "threads": "blocking-threads",
    "log-access": "access-log",
    "ssl-cert": "ssl-certificate",
    "ssl-key": "ssl-keyfile",
    "websockets": "ws",
}

#: Blocking threads per WSGI worker: granian's own default (half its backpressure,
#: 512) makes it warn at start; this matches waitress's thread count.
WSGI_BLOCKING_THREADS = 4
#: Seconds granian waits for a worker to finish its requests before killing it.
#: Without a limit its main process can hang in shutdown; 30 s is gunicorn's
#: ``graceful-timeout``.
WORKERS_KILL_TIMEOUT = 30


#: Granian's durations: seconds, or ``1h30m``-style (days, hours, minutes, seconds).
DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def duration_seconds(text: str | None) -> float | None:
    """Seconds of one of granian's durations (``30``, ``1m30s``), else None."""
    if text is None:
        return None
    if text.isdigit():
        return float(text)
    match = DURATION.fullmatch(text)
    if not text or match is None:
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


class GranianServer(WebServerBackend):
    """What both granian backends share: program, options, signals, defaults."""

    program = module = extra = "granian"
    option_rules = program_rules(
        flags="version", negatable=NEGATABLE, values=VALUE_OPTIONS, aliases=ALIASES
    )
    # Granian's main process handles INT and TERM (graceful stop) and HUP
    # (respawn the workers). QUIT, USR1 and USR2 kill the main process while
    # its workers keep serving; TTIN/TTOU stop (freeze) it. Never forward those.
    accepted_signals = frozenset({"SIGINT", "SIGTERM", "SIGHUP"})
    socket_options: ClassVar[frozenset[str]] = frozenset({"uds"})
    #: ``--interface``: ``wsgi`` or ``asginl``.
    interface: ClassVar[str] = ""
    #: ``--blocking-threads`` unless ARGS set it.
    blocking_threads: ClassVar[int] = 1

    def default_args(self) -> dict[str, ArgValue]:
        return {
            "interface": self.interface,
            **super().default_args(),
            "blocking-threads": self.blocking_threads,
            "workers-kill-timeout": WORKERS_KILL_TIMEOUT,
        }

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """``workers-kill-timeout`` (30 s unless ARGS say otherwise) plus the
        margin: granian kills the workers that have not stopped by then."""
        value = self.option_in_argv(argv, "workers-kill-timeout")
        if value is None:
            value = self.environ.get("GRANIAN_WORKERS_KILL_TIMEOUT")
        return after_graceful_window(duration_seconds(value))


#: django-prodserver 3.0's name of the base class.
GranianServerBase = GranianServer


class GranianWSGIServer(GranianServer):
    """Granian serving ``WSGI_APPLICATION`` (or ``APP``) with ``--interface wsgi``."""

    interface = "wsgi"
    blocking_threads = WSGI_BLOCKING_THREADS


class GranianASGIServer(GranianServer):
    """Granian serving ``ASGI_APPLICATION`` with ``--interface asginl``.

    ``asginl`` is ASGI without the lifespan protocol, which Django does not
    implement (plain ``asgi`` logs a warning at each start). Granian refuses more
    than one blocking thread for ASGI, so ``threads``/``blocking-threads`` in ARGS
    become 1, with a warning from ``manage.py check``.
    """

    interface = "asginl"
    asgi = True

    @property
    def args(self) -> dict[Any, ArgValue]:
        return {
            key: (1 if self.is_blocking_threads(key) else value)
            for key, value in super().args.items()
        }

    def is_blocking_threads(self, key: object) -> bool:
        return (
            isinstance(key, str)
            and self.option_rules.canonical(key) == "blocking-threads"
        )

    def check_config(self) -> list[CheckMessage]:
        messages = super().check_config()
        for key, value in self.config.args.items():
            if self.is_blocking_threads(key) and str(value).strip() != "1":
                messages.append(
                    self.warning(
                        check_ids.ASGI_BLOCKING_THREADS,
                        "granian runs ASGI applications with one blocking thread "
                        f"only; ARGS[{key!r}] = {value!r} is passed as "
                        "--blocking-threads=1",
                        "Remove the key, or scale with 'workers' or 'runtime-threads'.",
                    )
                )
        return messages
