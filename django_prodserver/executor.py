"""Start the plans: exec one program in place, or exec the supervisor.

Exec mode: the program replaces the launcher, keeping its PID. It becomes the
process that Docker, systemd or a Procfile runner started, so it receives their
signals itself and its exit status is theirs.

Spawn mode: the launcher execs :mod:`django_prodserver.supervisor` (again
keeping its PID), a small process without Django, which starts the programs as
children and forwards signals to them.
"""

from __future__ import annotations

import os
import signal
import site
import sys
from collections.abc import Sequence

from .plan import Plan
from .programs import python
from .supervisor import HANDLED, PAYLOAD_VARIABLE, Payload

#: Signals that Python ignores and an exec'd program would inherit as ignored.
RESET_TO_DEFAULT = ("SIGPIPE", "SIGXFSZ")


def program_environ(plan: Plan) -> dict[str, str]:
    """The environment of the program: the launcher's, with the plan's changes."""
    return {**os.environ, **plan.env}


def close_django_connections() -> None:
    """Close database connections so that no socket outlives the launcher's use."""
    from django.db import connections

    connections.close_all()


def reset_signal_dispositions() -> None:
    for name in RESET_TO_DEFAULT:
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)


def prepare_exec() -> None:
    """Leave nothing behind that the next program would inherit by mistake."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    close_django_connections()
    reset_signal_dispositions()


def exec_plan(plan: Plan) -> None:
    """Become the program of ``plan``. Returns only by raising ``OSError``."""
    env = program_environ(plan)
    prepare_exec()
    if plan.cwd != os.getcwd():
        os.chdir(plan.cwd)
    os.execvpe(plan.argv[0], list(plan.argv), env)


def package_root() -> str:
    """The directory that holds the ``django_prodserver`` package."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def supervisor_pythonpath(original: str | None) -> str | None:
    """``PYTHONPATH`` for the supervisor: the launcher's, plus this package's
    directory unless Python finds it anyway (an installed package).

    A site-packages directory is never added: on ``PYTHONPATH`` it would come
    before the standard library.
    """
    root = package_root()
    site_dirs = {*site.getsitepackages(), site.getusersitepackages()}
    if root in {os.path.abspath(d) for d in site_dirs}:
        return original
    paths = [root, *(original.split(os.pathsep) if original else [])]
    return os.pathsep.join(dict.fromkeys(paths))


def supervisor_command(
    plans: Sequence[Plan], stop_timeout: float | None, colour: bool | None = None
) -> tuple[list[str], dict[str, str]]:
    """The supervisor's argv and environment for ``plans``.

    The supervisor must import this package whatever the working directory:
    unless the package is installed, its directory goes first on the
    supervisor's ``PYTHONPATH``, and the payload tells the supervisor to put the
    launcher's own ``PYTHONPATH`` back for the children.
    """
    original = os.environ.get("PYTHONPATH")
    pythonpath = supervisor_pythonpath(original)
    changes = {} if pythonpath == original else {"PYTHONPATH": original}
    env = {
        **os.environ,
        PAYLOAD_VARIABLE: Payload(plans, stop_timeout, changes, colour).encode(),
    }
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    # -P (Python 3.11+): no working directory on sys.path, where a project's
    # json.py or signal.py would shadow the standard library.
    safe_path = ["-P"] if sys.version_info >= (3, 11) else []
    argv = [python(), *safe_path, "-m", "django_prodserver.supervisor"]
    # The process names make the supervisor recognisable in `ps`.
    return [*argv, *(plan.name for plan in plans)], env


def exec_supervisor(
    plans: Sequence[Plan], stop_timeout: float | None, colour: bool | None = None
) -> None:
    """Become the supervisor of ``plans``. Returns only by raising ``OSError``.

    The signals the supervisor handles stay blocked across ``exec`` (the mask is
    inherited), so one that arrives while Python starts is held for it rather
    than killing the launcher before the children exist.
    """
    argv, env = supervisor_command(plans, stop_timeout, colour)
    prepare_exec()
    signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    try:
        os.execve(argv[0], argv, env)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED)
