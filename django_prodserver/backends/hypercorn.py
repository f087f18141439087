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

from django.core.checks import CheckMessage

from .. import check_ids
from ..config.options import positive_int
from . import hypercorn_options
from .declare import INT_AND_TERM
from .web import BindServerBackend

#: How long hypercorn lets requests finish at a stop, unless it is told.
GRACEFUL_TIMEOUT = 3.0


class HypercornServer(BindServerBackend):
    """Hypercorn serving ``ASGI_APPLICATION`` (or ``APP``).

    Keep ``workers`` at 1 (the default) or 0: with more, a stop drops the
    requests in flight. Run more hypercorn processes for more capacity.
    """

    program = module = extra = "hypercorn"
    asgi = True
    option_rules = hypercorn_options.RULES
    # TERM and INT stop it gracefully. HUP would kill a single-process hypercorn
    # (-w 0); QUIT, USR1 and USR2 orphan its workers; TTIN/TTOU freeze it.
    accepted_signals = INT_AND_TERM
    # Requests in flight finish within ``graceful-timeout``, 3 s unless set.
    graceful_option, graceful_default = "graceful-timeout", GRACEFUL_TIMEOUT

    def check_config(self) -> list[CheckMessage]:
        """prodserver.W011: two workers or more drop requests on stop."""
        messages = super().check_config()
        workers = positive_int(self.option_values().get("workers", 1)) or 0
        if workers >= 2:
            messages.append(
                self.warning(
                    check_ids.HYPERCORN_WORKERS_DROP_REQUESTS,
                    f"hypercorn with {workers} workers drops the requests in "
                    "flight when it stops (SIGTERM or SIGINT)",
                    'Keep "workers" at 1 (the default) and run more hypercorn '
                    "processes behind your proxy for more capacity.",
                )
            )
        return messages
