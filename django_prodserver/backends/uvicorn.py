"""Uvicorn: ``uvicorn [options] mysite.asgi:application``, or ``--interface=wsgi``."""

from __future__ import annotations

from ..config.options import ArgValue
from .base import WebServerBackend
from .declare import INT_AND_TERM, names, program_rules

# From uvicorn's click definitions (``uvicorn --help``).
NEGATABLE = names(
    """
    access-log date-header proxy-headers server-header use-colors
    """
)
FLAGS = names(
    """
    factory http2 reload reset-contextvars version
    """
)
VALUE_OPTIONS = names(
    """
    app-dir backlog env-file fd forwarded-allow-ips h11-max-incomplete-event-size
    header host http interface lifespan limit-concurrency limit-max-requests
    limit-max-requests-jitter log-config log-level loop port reload-delay reload-dir
    reload-exclude reload-include root-path ssl-ca-certs ssl-cert-reqs ssl-certfile
    ssl-ciphers ssl-keyfile ssl-keyfile-password ssl-version
    timeout-graceful-shutdown timeout-keep-alive timeout-worker-healthcheck uds
    workers ws ws-max-queue ws-max-size ws-per-message-deflate ws-ping-interval
    ws-ping-timeout
    """
)


class UvicornServer(WebServerBackend):
    """Uvicorn serving ``ASGI_APPLICATION`` (or ``APP``).

    ``log-level`` is lower-cased (uvicorn rejects ``INFO``). With one process,
    uvicorn ends a SIGTERM stop by re-raising SIGTERM on itself: its exit status
    is "killed by SIGTERM" after a clean shutdown.
    """

    program = module = extra = "uvicorn"
    asgi = True
    option_rules = program_rules(
        flags=FLAGS, negatable=NEGATABLE, values=VALUE_OPTIONS, lowercase="log-level"
    )
    # A single uvicorn process handles only INT and TERM; HUP, QUIT, USR1 and
    # USR2 would kill it on the spot. (With several workers its supervisor also
    # takes HUP/TTIN/TTOU; send those to its PID yourself.)
    accepted_signals = INT_AND_TERM

    # A stop takes ``timeout-graceful-shutdown`` plus the margin. Without it
    # uvicorn waits for every request in flight to finish, and so does prodserver.
    graceful_option = "timeout-graceful-shutdown"
    graceful_variable = "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN"


class UvicornWSGIServer(UvicornServer):
    """Uvicorn serving ``WSGI_APPLICATION`` with ``--interface=wsgi``.

    With uvicorn's default interface (``auto``) every request of a WSGI app is a
    500. The ``uvicorn`` extra brings ``a2wsgi``, which uvicorn then uses.
    """

    asgi = False

    def default_args(self) -> dict[str, ArgValue]:
        return {"interface": "wsgi", **super().default_args()}
