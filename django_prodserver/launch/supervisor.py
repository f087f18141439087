"""Spawn mode: ``python -m django_prodserver.launch.supervisor`` runs the children.

The ``prodserver`` command resolves its plans in the Django process, then execs
this module (keeping its PID, so that Docker's or systemd's signals reach it)
with the plans as JSON in an anonymous file whose inherited descriptor
:data:`~django_prodserver.launch.payload.PAYLOAD_VARIABLE` names.

First of all, while the interpreter holds next to nothing, it forks the
:mod:`~django_prodserver.launch.watchdog`: a forked process starts with its
parent's pages, and every page it maps counts in its RSS. Only then does it load
the supervisor proper (:mod:`~django_prodserver.launch.supervision`).
"""

from __future__ import annotations

import os

from .watchdog import Watchdog


def main() -> int:
    # As PID 1 nobody can SIGKILL the supervisor and leave its children.
    watchdog = Watchdog.fork() if os.getpid() != 1 else None
    try:
        # Imported here, after the fork: the watchdog must not hold it.
        from .supervision import supervise

        return supervise(watchdog)
    finally:
        if watchdog is not None:
            watchdog.close()


if __name__ == "__main__":
    status = main()
    # Everything was written with os.write: nothing is left to flush, and the
    # interpreter's teardown would only delay the exit a stop waits for.
    os._exit(status)
