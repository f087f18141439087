"""Waitress: ``waitress-serve [options] mysite.wsgi:application``, made graceful.

Waitress stops gracefully on SIGINT only; SIGTERM kills it with its requests.
The backend therefore runs :mod:`django_prodserver.waitress_serve`, which makes
SIGTERM act as SIGINT and then runs ``waitress-serve`` in the same process, so
the launched process is still the server itself.
"""

from __future__ import annotations

from typing import ClassVar

from ..config.addresses import Address
from . import programs
from .base import WebServerBackend, after_graceful_window
from .declare import INT_AND_TERM, names, program_rules

# From waitress 3's getopt definitions (``Adjustments.parse_args``): every
# adjustment takes ``--name=value``, booleans take ``--name``/``--no-name``.
NEGATABLE = names(
    """
    asyncore-use-poll clear-untrusted-proxy-headers expose-tracebacks ipv4 ipv6
    log-socket-errors log-untrusted-proxy-headers
    """
)
VALUE_OPTIONS = names(
    """
    asyncore-loop-timeout backlog channel-request-lookahead channel-timeout
    cleanup-interval connection-limit host ident inbuf-overflow listen
    max-request-body-size max-request-header-size outbuf-high-watermark
    outbuf-overflow port recv-bytes send-bytes server-name threads trusted-proxy
    trusted-proxy-count trusted-proxy-headers unix-socket unix-socket-perms
    url-prefix url-scheme
    """
)
#: Seconds waitress gives its running requests when it stops (its task
#: dispatcher's fixed shutdown timeout); it drops what is left.
SHUTDOWN_TIMEOUT = 5.0
#: The module that runs waitress-serve with a graceful SIGTERM.
SHIM = "django_prodserver.waitress_serve"


class WaitressServer(WebServerBackend):
    """Waitress serving ``WSGI_APPLICATION`` (or ``APP``).

    Options go before the target (waitress parses them with getopt). ``listen``
    repeats for a list and cannot be combined with ``host``/``port``: an
    address given after ``--`` in one form replaces a configured one in the other.
    """

    program = "waitress-serve"
    module = "waitress"
    extra = "waitress"
    option_rules = program_rules(
        flags="call help",
        negatable=NEGATABLE,
        values=VALUE_OPTIONS,
        excludes={
            "listen": frozenset({"host", "port"}),
            "host": frozenset({"listen"}),
            "port": frozenset({"listen"}),
        },
    )
    # SIGINT is waitress's own graceful stop; the shim makes SIGTERM the same.
    # Waitress handles no other signal: HUP, QUIT, USR1 and USR2 would kill it.
    stop_signal = "SIGINT"
    accepted_signals = INT_AND_TERM
    # ``listen`` takes HOST:PORT values (several in one, split on white space).
    bind_option = "listen"
    socket_options: ClassVar[frozenset[str]] = frozenset({"unix-socket"})
    default_address: ClassVar[Address] = ("0.0.0.0", 8080)

    def program_argv(self) -> list[str]:
        return programs.python_module_argv(SHIM)

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        return after_graceful_window(SHUTDOWN_TIMEOUT)
