"""The line that says what started where: ``prodserver: web: gunicorn, pid
4242, http://127.0.0.1:8000/``, one per program on standard error (``--quiet``
drops it).

The launcher writes it before an exec (the program keeps the launcher's pid);
the supervisor once it has started each child, as a JSON object where the
output of several processes is JSON (``--log-format json``). This module
imports nothing of Django: the supervisor uses it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .plan import Plan
from .writing import write_all

#: Hosts that mean "every interface": the URL names this machine instead.
EVERY_INTERFACE = frozenset({"", "*", "0.0.0.0", "::", "[::]"})


def web_url(host: str, port: int) -> str:
    """The URL to open for a server listening on ``host:port``."""
    if host in EVERY_INTERFACE:
        # socket.gethostname() is this (from uname), without loading the
        # socket module into the supervisor.
        host = os.uname().nodename
    elif ":" in host.strip("[]"):
        host = f"[{host.strip('[]')}]"
    return f"http://{host}:{port}/"


def program_name(argv: Sequence[str]) -> str:
    """What the plan runs: ``gunicorn`` of ``/venv/bin/gunicorn …`` and of
    ``python -m gunicorn …``; a management command as ``django COMMAND``."""
    if len(argv) > 3 and tuple(argv[1:3]) == ("-m", "django"):
        return f"django {argv[3]}"
    if len(argv) > 2 and argv[1] == "-m":
        return argv[2]
    return os.path.basename(argv[0])


def banner_text(plan: Plan, pid: int) -> str:
    """What the banner says of ``plan``'s program, started as ``pid``."""
    url = f", {plan.url}" if plan.url else ""
    return f"{plan.name}: {program_name(plan.argv)}, pid {pid}{url}"


def banner_line(plan: Plan, pid: int) -> str:
    """The banner of ``plan``'s program, started as ``pid``, with its newline."""
    return f"prodserver: {banner_text(plan, pid)}\n"


def write_banner(plan: Plan, pid: int) -> None:
    """Write the banner to standard error (a descriptor write: the supervisor
    and an exec leave no Python buffer behind; without a standard error the
    program still starts)."""
    write_all(2, banner_line(plan, pid).encode(errors="replace"))
