"""Start the plans: exec one program in place, or exec the supervisor.

Exec mode: the program replaces the launcher, keeping its PID. It becomes the
process that Docker, systemd or a Procfile runner started, so it receives their
signals itself and its exit status is theirs.

Spawn mode: the launcher execs :mod:`django_prodserver.launch.supervisor` (again
keeping its PID), a small process without Django, which starts the programs as
children and forwards signals to them.
"""

from __future__ import annotations

import os
import signal
import site
import sys
from collections.abc import Mapping, Sequence

from ..backends.programs import python
from .plan import Plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .payload import Payload
    from .printer import LineFormat

#: Signals that Python ignores and an exec'd program would inherit as ignored.
RESET_TO_DEFAULT = ("SIGPIPE", "SIGXFSZ")


def program_environ(plan: Plan, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of the program: the launcher's original ``environ``, with
    the plan's changes."""
    return {**environ, **plan.env}


def close_django_connections() -> None:
    """Close database connections so that no socket outlives the launcher's use.

    Without ``django.db`` imported (the console script, when nothing needed the
    app registry), no connection was ever opened: importing it only to close
    none would cost more than the rest of the exec.
    """
    if "django.db" not in sys.modules:
        return
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


def exec_plan(plan: Plan, environ: Mapping[str, str]) -> None:
    """Become the program of ``plan``, with the launcher's original ``environ``
    plus the plan's variables. Returns only by raising ``OSError``."""
    env = program_environ(plan, environ)
    prepare_exec()
    if plan.cwd != os.getcwd():
        os.chdir(plan.cwd)
    os.execvpe(plan.argv[0], list(plan.argv), env)


def package_root() -> str:
    """The directory that holds the ``django_prodserver`` package."""
    launch = os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(os.path.dirname(launch))


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
    plans: Sequence[Plan],
    stop_timeout: float | None,
    environ: Mapping[str, str],
    colour: bool | None = None,
    line_format: LineFormat | None = None,
    quiet: bool = False,
) -> tuple[list[str], dict[str, str], Payload]:
    """The supervisor's argv and environment for ``plans``, and its payload
    (``colour``: ``--force-color`` True, ``--no-color`` False, else None;
    ``line_format``: how the lines of several processes are printed).

    ``environ`` is the launcher's original environment, which the children
    start from (the payload carries it). The supervisor itself must import this
    package whatever the working directory: unless the package is installed,
    its directory goes first on the supervisor's own ``PYTHONPATH``.
    """
    # Only spawn mode needs the supervisor's code: an exec does without it.
    from .payload import Payload

    original = environ.get("PYTHONPATH")
    pythonpath = supervisor_pythonpath(original)
    env = {k: v for k, v in environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    # -P (Python 3.11+): no working directory on sys.path, where a project's
    # json.py or signal.py would shadow the standard library.
    safe_path = ["-P"] if sys.version_info >= (3, 11) else []
    argv = [python(), *safe_path, "-m", "django_prodserver.launch.supervisor"]
    # The process names make the supervisor recognisable in `ps`.
    argv += [plan.name for plan in plans]
    payload = Payload(plans, stop_timeout, environ, colour, line_format, quiet)
    return argv, env, payload


def exec_supervisor(
    plans: Sequence[Plan],
    stop_timeout: float | None,
    environ: Mapping[str, str],
    colour: bool | None = None,
    line_format: LineFormat | None = None,
    quiet: bool = False,
) -> None:
    """Become the supervisor of ``plans``. Returns only by raising ``OSError``.

    The plans go in an anonymous file that the supervisor inherits, named by
    :data:`PAYLOAD_VARIABLE`. The signals the supervisor handles stay blocked
    across ``exec`` (the mask is inherited), so one that arrives while Python
    starts is held for it rather than killing the launcher before the children
    exist.
    """
    from .payload import PAYLOAD_VARIABLE
    from .wakeup import HANDLED

    argv, env, payload = supervisor_command(
        plans, stop_timeout, environ, colour, line_format, quiet
    )
    fd = payload.to_descriptor()
    os.set_inheritable(fd, True)
    env[PAYLOAD_VARIABLE] = str(fd)
    prepare_exec()
    signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    try:
        os.execve(argv[0], argv, env)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED)
        os.close(fd)
