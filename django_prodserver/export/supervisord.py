"""supervisord programs: one ``[program:…]`` section per process.

supervisord sends ``stopsignal`` to the program's main process only
(``stopasgroup=false``): the server, the worker or prodserver's own supervisor
stops its children itself, gracefully. A TERM sent to the whole process group
would reach a Celery pool's or a Django-Q2 cluster's children directly and lose
their tasks. When ``stopwaitsecs`` (the stop budget) runs out, the whole group
is killed (``killasgroup=true``), so nothing is left behind.

supervisord reads an INI file: ``;`` or ``#`` after white space starts a
comment, ``%`` starts an expansion, and ``command`` is then split like a POSIX
shell would. Each word is written so that it reads back exactly; a value that
cannot be (a line break) is refused.

A process of several copies (``REPLICAS``, ``--scale``) is one program of
``numprocs`` processes, ``PROGRAM_1`` to ``PROGRAM_N``; each is the copy
``PRODSERVER_COPY`` names, its ``process_num``, on its own port.
"""

from __future__ import annotations

import re
import shlex

from ..backends.copies import COPY_VARIABLE
from .deployment import Deployment, Process, whole_seconds
from .values import (
    LINE_BREAKS,
    budget_or_a_day,
    checked_budget,
    checked_settings,
    checked_text,
    printable,
    refuse,
)

TARGET = "a supervisord configuration"
#: What a variable's value in ``environment=`` may be: supervisord's own
#: parser reads no escapes.
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.:/+-]*")
#: The characters that configparser and supervisord read specially.
SPECIAL = re.compile(r"([%;#])")


def supervisor_word(word: str) -> str:
    """One word of ``command=``: quoted for the shell-like split, with ``%``
    doubled and ``;``/``#`` escaped outside the quotes (never after white
    space, where they would start a comment; never ``%(here)s``, which
    supervisord replaces even where ``%`` is doubled)."""
    pieces = []
    for piece in SPECIAL.split(word):
        if piece == "%":
            pieces.append("%%")
        elif piece in (";", "#"):
            pieces.append("\\" + piece)
        elif piece:
            pieces.append(shlex.quote(piece))
    return "".join(pieces) or "''"


def command(name: str, argv: list[str]) -> str:
    for word in argv:
        checked_text(name, "the argument", word, TARGET)
        if LINE_BREAKS & set(word):
            refuse(name, "the argument", word, TARGET, "a line break ends its line")
    return " ".join(map(supervisor_word, argv))


def directory(name: str, path: str) -> str:
    checked_text(name, "the working directory", path, TARGET)
    problem = ""
    if not all(map(printable, path)):
        problem = "it holds a line break or a control character"
    elif path != path.strip():
        problem = "it starts or ends with white space, which supervisord drops"
    elif re.search(r"\s[;#]", path):
        problem = "white space and ';' or '#' start a comment there"
    elif "%(" in path:
        problem = "supervisord expands '%(' there"
    if problem:
        refuse(name, "the working directory", path, TARGET, problem)
    return path.replace("%", "%%")


def environment(name: str, deploy: Deployment) -> str:
    settings = checked_settings(name, deploy.settings, TARGET)
    variables = {"DJANGO_SETTINGS_MODULE": settings, "PYTHONUNBUFFERED": "1"}
    for key, value in variables.items():
        if not PLAIN_VALUE.fullmatch(value):
            refuse(name, key, value, TARGET, "supervisord reads no quotes in it")
    return ",".join(f'{key}="{value}"' for key, value in variables.items())


def copy_variable(process: Process) -> str:
    """Which copy each process of the program is: its ``process_num``."""
    return f',{COPY_VARIABLE}="%(process_num)s"' if process.replicas > 1 else ""


def numprocs(process: Process) -> list[str]:
    """The processes of a program of several copies, numbered from 1."""
    if process.replicas == 1:
        return []
    return [
        "process_name=%(program_name)s_%(process_num)s",
        f"numprocs={process.replicas}",
        "numprocs_start=1",
    ]


def program_name(deploy: Deployment, name: str) -> str:
    program = f"{deploy.prefix}{name}"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", program):
        refuse(
            name,
            "the program name",
            program,
            TARGET,
            "use letters, digits and '-_.'",
            "Choose another prefix with --name-prefix.",
        )
    return program


def program(deploy: Deployment, process: Process) -> list[str]:
    """One process's section."""
    name = process.name
    argv = deploy.command(name, deploy.python, relative=False)
    budget = checked_budget(process, TARGET)
    lines = [
        f"[program:{program_name(deploy, name)}]",
        f"command={command(name, argv)}",
        f"directory={directory(name, deploy.working_directory)}",
        f"environment={environment(name, deploy)}{copy_variable(process)}",
        *numprocs(process),
    ]
    if process.oneshot:
        lines += ["autostart=false", "autorestart=false", "startsecs=0"]
    else:
        lines += ["autostart=true", "autorestart=unexpected"]
    lines += [
        f"stopsignal={process.stop_signal.removeprefix('SIG')}",
        f"stopwaitsecs={whole_seconds(budget_or_a_day(budget))}",
        "stopasgroup=false",
        "killasgroup=true",
        "redirect_stderr=true",
    ]
    return lines


def header(deploy: Deployment) -> list[str]:
    lines = [
        "; manage.py prodserver --export supervisord: one program per process.",
        "; Include it from supervisord.conf ([include] files = …).",
    ]
    if deploy.env_file:
        lines.append(
            "; supervisord reads no environment file: set its variables in "
            "environment= or in supervisord's own environment."
        )
    if deploy.oneshot:
        names = " ".join(program_name(deploy, name) for name in deploy.oneshot)
        lines.append(
            f"; {names} does not start by itself: at each deploy, run it "
            "(supervisorctl start, then wait for EXITED) before restarting the others."
        )
    return lines


def render(deploy: Deployment) -> str:
    sections = [header(deploy)]
    ordered = [*deploy.oneshot, *deploy.long_running]
    sections += [program(deploy, deploy.by_name[name]) for name in ordered]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
