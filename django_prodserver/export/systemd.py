"""systemd service units: one unit per process.

Each unit runs the process from the project root with the interpreter that ran
the export. A release step is a ``Type=oneshot`` unit that the others require
and start after; the system services the settings use on this machine
(PostgreSQL, Redis) are wanted and started before. A process of several copies
(``REPLICAS``, ``--scale``) is a template unit, ``PREFIX-NAME@.service``, and a
target, ``PREFIX-NAME.target``, that wants its instances ``@1`` to ``@N``: each
instance is the copy ``%i`` names (``PRODSERVER_COPY``), on its own port.

systemd reads a unit line by line, splits ``ExecStart=`` into words (double
quotes, C escapes), expands ``%`` specifiers everywhere and ``$VAR`` in
commands: every word is written so that it reads back exactly, and a value
that cannot be (a path with a line break) is refused.
"""

from __future__ import annotations

import os
import re

from ..backends.copies import COPY_VARIABLE
from .deployment import Deployment, Process, normal_path, seconds
from .values import (
    checked_budget,
    checked_settings,
    checked_text,
    printable,
    refuse,
)

TARGET = "a systemd unit"
#: Characters that need quoting in an ``ExecStart=``/``Environment=`` word.
SYSTEMD_SPECIAL = frozenset(" \t\n\"'\\$%;")
#: A unit name (without templates or ':', which ``systemd-analyze verify``
#: reads as an alias): systemd's other characters, at most 255 of them.
UNIT_NAME = re.compile(r"[A-Za-z0-9_.\\-]{1,247}\.service")


def escape_char(ch: str) -> str:
    """One character inside double quotes: C escapes for what is not printable."""
    if ch in '\\"':
        return "\\" + ch
    if printable(ch):
        return ch
    if ch < "\x80":
        return f"\\x{ord(ch):02x}"
    return f"\\u{ord(ch):04x}" if ch <= "\uffff" else f"\\U{ord(ch):08x}"


def systemd_word(word: str, expands_variables: bool = True) -> str:
    """Quote one word for ``ExecStart=`` (``Environment=``: no ``$`` expansion).

    systemd splits on spaces, understands double quotes with C escapes and
    expands ``%x`` specifiers everywhere and ``$VAR`` in commands: doubling ``%``
    and ``$`` keeps them literal.
    """
    escaped = word.replace("%", "%%")
    if expands_variables:
        escaped = escaped.replace("$", "$$")
    if word and not SYSTEMD_SPECIAL & set(word) and all(map(printable, word)):
        return escaped
    return '"' + "".join(map(escape_char, escaped)) + '"'


def systemd_path(name: str, what: str, path: str) -> str:
    """A path as ``WorkingDirectory=``/``EnvironmentFile=`` take it: as it is
    (no quotes or escapes there), specifiers doubled; refused if systemd would
    read it otherwise."""
    checked_text(name, what, path, TARGET)
    problem = ""
    if not os.path.isabs(path):
        problem = "it is not an absolute path"
    elif not all(map(printable, path)):
        problem = "it holds a line break or a control character"
    elif path != path.strip():
        problem = "it starts or ends with white space, which systemd drops"
    elif path.endswith("\\"):
        problem = "it ends with a backslash, which continues the line"
    if problem:
        refuse(name, what, path, TARGET, problem, "Use a plain absolute path.")
    return path.replace("%", "%%")


def unit_name(deploy: Deployment, name: str) -> str:
    unit = f"{deploy.prefix}{name}.service"
    if not UNIT_NAME.fullmatch(unit):
        refuse(
            name,
            "the unit name",
            unit,
            TARGET,
            "a unit name has at most 255 letters, digits and '-_.\\'",
            "Choose another prefix with --name-prefix.",
        )
    return unit


def template_name(deploy: Deployment, process: Process) -> str:
    """``PREFIX-NAME@.service`` for a process of several copies, else its unit."""
    unit = unit_name(deploy, process.name)
    return unit.replace(".service", "@.service") if copies(process) else unit


def copies(process: Process) -> bool:
    return process.replicas > 1


def copy_note(process: Process) -> str:
    return ", copy %i" if copies(process) else ""


def target_name(deploy: Deployment, name: str) -> str:
    return unit_name(deploy, name).removesuffix(".service") + ".target"


def stop_signal(process: Process) -> list[str]:
    """``KillSignal=`` where the process stops on another signal than TERM."""
    if process.stop_signal == "SIGTERM":
        return []
    return [f"KillSignal={process.stop_signal}"]


def required(deploy: Deployment, process: Process) -> list[str]:
    """The units of the release steps that must succeed before ``process``."""
    oneshot = list(deploy.oneshot)
    if process.oneshot:
        index = oneshot.index(process.name)
        oneshot = oneshot[index - 1 : index] if index else []
    return [unit_name(deploy, name) for name in oneshot]


def description(deploy: Deployment, name: str) -> str:
    """``PROJECT NAME (manage.py prodserver NAME)``, specifiers doubled; the
    project's name left out where systemd would not read it as written."""
    project = deploy.project.replace("%", "%%")
    if not all(map(printable, project)) or project != project.strip():
        project = ""
    return f"{project} {name} (manage.py prodserver {name})".lstrip()


def unit_section(deploy: Deployment, process: Process) -> list[str]:
    name = process.name
    releases = required(deploy, process)
    after = ["network.target", *process.services, *releases]
    lines = [
        "[Unit]",
        f"Description={description(deploy, name)}{copy_note(process)}",
        f"After={' '.join(after)}",
    ]
    if process.services:
        lines.append(f"Wants={' '.join(process.services)}")
    if releases:
        lines.append(f"Requires={' '.join(releases)}")
    if copies(process):
        lines.append(f"PartOf={target_name(deploy, name)}")
    return lines


def service_section(deploy: Deployment, process: Process) -> list[str]:
    name = process.name
    argv = deploy.command(name, deploy.python, relative=False)
    for word in argv:
        checked_text(name, "the argument", word, TARGET)
    settings = checked_settings(name, deploy.settings, TARGET)
    environment = {"DJANGO_SETTINGS_MODULE": settings, "PYTHONUNBUFFERED": "1"}
    assignments = " ".join(
        systemd_word(f"{key}={value}", expands_variables=False)
        for key, value in environment.items()
        if value
    )
    if copies(process):  # %i: the instance, the number of the copy
        assignments += f" {COPY_VARIABLE}=%i"
    directory = systemd_path(name, "the working directory", deploy.working_directory)
    lines = ["[Service]", "Type=oneshot" if process.oneshot else "Type=exec"]
    if process.oneshot:
        lines.append("RemainAfterExit=yes")
    lines += [
        "# Run as an unprivileged user, e.g. User=www-data.",
        f"WorkingDirectory={directory}",
    ]
    if deploy.env_file:
        path = normal_path(os.path.join(deploy.working_directory, deploy.env_file))
        lines.append(
            f"EnvironmentFile={systemd_path(name, 'the environment file', path)}"
        )
    budget = checked_budget(process, TARGET)
    lines += [
        f"Environment={assignments}",
        f"ExecStart={' '.join(systemd_word(word) for word in argv)}",
        "KillMode=mixed",
        *stop_signal(process),
        f"TimeoutStopSec={'infinity' if budget is None else seconds(budget) + 's'}",
    ]
    if not process.oneshot:
        lines.append("Restart=on-failure")
    identifier = unit_name(deploy, name).removesuffix(".service")
    lines.append(f"SyslogIdentifier={identifier}{'.%i' if copies(process) else ''}")
    return lines


def systemd_unit(deploy: Deployment, process: Process) -> str:
    """A service unit that runs one process under systemd.

    ``KillMode=mixed``: systemd sends the stop signal to the main process only
    (the server or worker, which stops its own children gracefully) and
    SIGKILLs whatever is left of the unit when ``TimeoutStopSec`` runs out. The
    default mode would signal every process at once, which kills a Celery
    pool's children in the middle of their tasks.
    """
    wanted_by = (
        target_name(deploy, process.name) if copies(process) else "multi-user.target"
    )
    lines = [
        f"# {template_name(deploy, process)}",
        *unit_section(deploy, process),
        "",
        *service_section(deploy, process),
        "",
        "[Install]",
        f"WantedBy={wanted_by}",
    ]
    text = "\n".join(lines) + "\n"
    return text + copies_target(deploy, process) if copies(process) else text


def copies_target(deploy: Deployment, process: Process) -> str:
    """The target that wants each copy of ``process``: enable and start it
    (``systemctl enable --now PREFIX-NAME.target``) to run them all."""
    template = template_name(deploy, process)
    instances = [template.replace("@", f"@{i}") for i in range(1, process.replicas + 1)]
    lines = [
        "",
        f"# {target_name(deploy, process.name)}",
        "[Unit]",
        f"Description={description(deploy, process.name)}: {process.replicas} copies",
        f"Wants={' '.join(instances)}",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]
    return "\n".join(lines) + "\n"


def render(deploy: Deployment) -> str:
    """Every unit, each starting with a comment that names its file: release
    steps first."""
    ordered = [*deploy.oneshot, *deploy.long_running]
    return "\n".join(systemd_unit(deploy, deploy.by_name[name]) for name in ordered)
