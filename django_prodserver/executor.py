"""Exec mode: replace the launcher with the program, keeping its PID.

The program becomes the process that Docker, systemd or a Procfile runner
started, so it receives their signals itself and its exit status is theirs.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping

from .plan import Plan

#: Signals that Python ignores and an exec'd program would inherit as ignored.
RESET_TO_DEFAULT = ("SIGPIPE", "SIGXFSZ")


def child_environ(plan: Plan, base: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**(os.environ if base is None else base), **plan.env}


def close_django_connections() -> None:
    """Close database connections so that no socket outlives the launcher's use."""
    from django.db import connections

    connections.close_all()


def reset_signal_dispositions() -> None:
    for name in RESET_TO_DEFAULT:
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)


def exec_plan(plan: Plan) -> None:
    """Become the program of ``plan``. Returns only by raising ``OSError``."""
    env = child_environ(plan)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    close_django_connections()
    reset_signal_dispositions()
    if plan.cwd != os.getcwd():
        os.chdir(plan.cwd)
    os.execvpe(plan.argv[0], list(plan.argv), env)
