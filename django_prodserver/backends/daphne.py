"""Daphne: ``daphne [options] mysite.asgi:application``.

Daphne is the ASGI server of Django Channels: one process, no workers. What it
does with signals (daphne 4.2):

- TERM or INT: it stops and exits 0, at once when idle. **Requests in flight
  are dropped**, whatever the options: daphne logs "Killed 1 pending
  application instances" and the client's connection closes without an answer.
  A synchronous view still runs to its end in its thread (the process exits
  when it returns), but its response goes nowhere. There is no drain to wait
  for and no option that bounds the exit: ``application-close-timeout`` is for
  applications after a client disconnects, not for shutdown. A second TERM
  changes nothing.
- QUIT, HUP, USR1 and USR2 kill it on the spot; TTIN and TTOU stop (freeze) it
  when its process group has a terminal session. None is ever forwarded.

With no address in ARGS daphne listens on 127.0.0.1:8000; it does not read
``PORT`` (prodserver adds ``--bind=0.0.0.0 --port=$PORT`` when it is set).
"""

from __future__ import annotations

from .base import WebServerBackend
from .declare import INT_AND_TERM, program_rules


class DaphneServer(WebServerBackend):
    """Daphne serving ``ASGI_APPLICATION`` (or ``APP``).

    It stops on SIGTERM with status 0, but drops the requests in flight (see the
    module's documentation): put it behind a proxy that retries, or choose
    another server where every request must be answered.
    """

    program = module = extra = "daphne"
    asgi = True
    # From daphne 4.2's argparse definitions (``daphne --help``). Two options are
    # spelled with underscores; keys with dashes or underscores both reach them.
    # ``host`` and ``endpoints`` are other servers' keys for the same options.
    option_rules = program_rules(
        flags="no-server-name proxy-headers",
        values="""
            access-log application-close-timeout bind endpoint fd http-timeout
            log-fmt ping-interval ping-timeout port proxy-headers-host
            proxy-headers-port root-path server-name unix-socket verbosity
            websocket-max-frame-size websocket-max-message-size
            websocket_connect_timeout websocket_timeout
        """,
        short="b=bind e=endpoint p=port s=server-name t=http-timeout "
        "u=unix-socket v=verbosity",
        aliases="host=bind endpoints=endpoint",
    )
    # TERM and INT stop it; QUIT, HUP, USR1 and USR2 kill it, TTIN/TTOU freeze it.
    accepted_signals = INT_AND_TERM
    host_option = "bind"
    # A Unix socket, an inherited descriptor, or raw Twisted endpoints.
    socket_options = frozenset({"unix-socket", "fd", "endpoint"})


def __getattr__(name: str) -> object:
    """``DaphneRunserver``, 3.0's development server of this module's old path
    (deprecated: ``django_prodserver.backends.dev.daphne``), loaded when asked."""
    if name == "DaphneRunserver":
        from .dev.daphne import DaphneRunserver

        return DaphneRunserver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
