"""Uvicorn: ``uvicorn [options] mysite.asgi:application``, or ``--interface=wsgi``."""

from __future__ import annotations

from ..config.options import ArgValue, OptionRules
from .base import WebServerBackend, after_graceful_window, seconds_value

# From uvicorn's click definitions (``uvicorn --help``).
NEGATABLE = frozenset(
    {"access-log", "date-header", "proxy-headers", "server-header", "use-colors"}
)
FLAGS = frozenset({"factory", "http2", "reload", "reset-contextvars", "version"})
VALUE_OPTIONS = frozenset(
    {
        "app-dir", "backlog", "env-file", "fd", "forwarded-allow-ips",
        "h11-max-incomplete-event-size",
        "header", "host", "http", "interface", "lifespan", "limit-concurrency",
        "limit-max-requests", "limit-max-requests-jitter", "log-config", "log-level",
        "loop", "port", "reload-delay", "reload-dir", "reload-exclude",
        "reload-include", "root-path", "ssl-ca-certs", "ssl-cert-reqs",
        "ssl-certfile", "ssl-ciphers", "ssl-keyfile", "ssl-keyfile-password",
        "ssl-version", "timeout-graceful-shutdown", "timeout-keep-alive",
        "timeout-worker-healthcheck", "uds", "workers", "ws", "ws-max-queue",
        "ws-max-size", "ws-per-message-deflate", "ws-ping-interval",
        "ws-ping-timeout",
    }
)  # fmt: skip


class UvicornServer(WebServerBackend):
    """Uvicorn serving ``ASGI_APPLICATION`` (or ``APP``).

    ``log-level`` is lower-cased (uvicorn rejects ``INFO``). With one process,
    uvicorn ends a SIGTERM stop by re-raising SIGTERM on itself: its exit status
    is "killed by SIGTERM" after a clean shutdown.
    """

    program = "uvicorn"
    module = "uvicorn"
    extra = "uvicorn"
    option_rules = OptionRules(
        flags=FLAGS,
        negatable=NEGATABLE,
        lowercase=frozenset({"log-level"}),
        known=FLAGS | NEGATABLE | VALUE_OPTIONS,
    )
    # A single uvicorn process handles only INT and TERM; HUP, QUIT, USR1 and
    # USR2 would kill it on the spot. (With several workers its supervisor also
    # takes HUP/TTIN/TTOU; send those to its PID yourself.)
    accepted_signals = frozenset({"SIGINT", "SIGTERM"})

    def target(self) -> str:
        return self.asgi_target()

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """``timeout-graceful-shutdown`` plus the margin. Without it uvicorn
        waits for every request in flight to finish, and so does prodserver."""
        value = self.option_in_argv(argv, "timeout-graceful-shutdown")
        if value is None:
            value = self.environ.get("UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN")
        return after_graceful_window(seconds_value(value))


class UvicornWSGIServer(UvicornServer):
    """Uvicorn serving ``WSGI_APPLICATION`` with ``--interface=wsgi``.

    With uvicorn's default interface (``auto``) every request of a WSGI app is a
    500. The ``uvicorn`` extra brings ``a2wsgi``, which uvicorn then uses.
    """

    def default_args(self) -> dict[str, ArgValue]:
        return {"interface": "wsgi", **super().default_args()}

    def target(self) -> str:
        return self.wsgi_target()
