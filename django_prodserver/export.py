"""Deployment files for configured processes: a Procfile, systemd units, compose.

Every file starts the processes the same way, through ``manage.py prodserver
NAME``, so the settings stay the one place that says how a process runs: change
``ARGS`` and redeploy, the deployment files do not change. What each file adds
is what its process manager needs to know: the process names (Procfile), an
absolute interpreter, working directory, environment and stop behaviour (systemd)
and exec-form commands with a stop grace period (compose).
"""

from __future__ import annotations

import json
import math
import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .launch import EXPORT_FORMATS as FORMATS
from .programs import python
from .resolver import project_roots, settings_module

#: The command's ``--stop-timeout`` default; exported commands repeat any other.
DEFAULT_STOP_TIMEOUT = 10.0
#: Characters that need quoting in a systemd ``ExecStart=``/``Environment=`` word.
SYSTEMD_SPECIAL = frozenset(" \t\n\"'\\$%;")


class ExportError(Exception):
    """The deployment cannot be described (a bad option value)."""


@dataclass(frozen=True)
class Deployment:
    """What every exported file needs to know about how to start prodserver.

    Paths (``manage_py``, ``cwd``, ``pythonpath``, ``project_root``) are
    absolute. ``settings_option``, ``pythonpath``, ``spawn`` and a
    ``stop_timeout`` other than the default were given to the export command:
    every exported command repeats them, and ``extra_args`` after ``--``.
    """

    names: tuple[str, ...]
    project: str
    settings: str
    python: str
    manage_py: str | None
    project_root: str
    cwd: str
    stop_timeout: float = DEFAULT_STOP_TIMEOUT
    settings_option: str | None = None
    pythonpath: str | None = None
    spawn: bool = False
    extra_args: tuple[str, ...] = ()

    def path(self, path: str, relative: bool) -> str:
        return os.path.relpath(path, self.cwd) if relative else path

    def command(self, name: str, python: str, relative: bool) -> list[str]:
        """argv of ``python manage.py prodserver NAME …`` for one process.

        ``relative`` writes paths relative to ``cwd`` (a Procfile or an image
        runs from the project directory); otherwise they are absolute. Without a
        ``manage.py``, ``python -m django`` with the settings and the project
        root on ``--pythonpath`` is used.
        """
        settings, pythonpath = self.settings_option, self.pythonpath
        if self.manage_py is None:
            prefix = [python, "-m", "django", "prodserver", name]
            settings = settings or self.settings
            pythonpath = pythonpath or self.project_root
        else:
            prefix = [python, self.path(self.manage_py, relative), "prodserver", name]
        options = [f"--settings={settings}"] if settings else []
        if pythonpath:
            options.append(f"--pythonpath={self.path(pythonpath, relative)}")
        if self.spawn:
            options.append("--spawn")
        if self.stop_timeout != DEFAULT_STOP_TIMEOUT:
            options.append(f"--stop-timeout={seconds(self.stop_timeout)}")
        extra = ["--", *self.extra_args] if self.extra_args else []
        return [*prefix, *options, *extra]


def find_manage_py(roots: Sequence[str]) -> str | None:
    """The ``manage.py`` that started us, or the one in the project root."""
    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) == "manage.py":
        return os.path.abspath(script)
    for root in roots:
        candidate = os.path.join(root, "manage.py")
        if os.path.isfile(candidate):
            return candidate
    return None


def stop_timeout_of(options: Mapping[str, object]) -> float:
    value = options.get("stop_timeout")
    timeout = DEFAULT_STOP_TIMEOUT if value is None else float(str(value))
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ExportError(
            f"--stop-timeout must be a number of seconds above 0, not {value!r}"
        )
    return timeout


def deployment(
    names: Sequence[str], options: Mapping[str, object], extra: Sequence[str] = ()
) -> Deployment:
    """Describe the deployment of ``names`` as this command invocation runs them."""
    pythonpath = str(options["pythonpath"]) if options.get("pythonpath") else None
    roots = project_roots([pythonpath] if pythonpath else [])
    module = settings_module()
    return Deployment(
        names=tuple(names),
        project=module.split(".", 1)[0] or "django",
        settings=module,
        python=python(),
        manage_py=find_manage_py(roots),
        project_root=roots[0] if roots else os.getcwd(),
        cwd=os.getcwd(),
        stop_timeout=stop_timeout_of(options),
        settings_option=str(options["settings"]) if options.get("settings") else None,
        pythonpath=os.path.abspath(pythonpath) if pythonpath else None,
        spawn=bool(options.get("spawn")),
        extra_args=tuple(extra),
    )


def seconds(value: float) -> str:
    """``10.0`` → ``10``, ``2.5`` → ``2.5``: a number systemd and compose both read."""
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}".rstrip("0")


# -- Procfile ---------------------------------------------------------------------


def procfile(deploy: Deployment) -> str:
    """One ``name: command`` line per process, the command quoted for a shell."""
    lines = [
        f"{name}: {shlex.join(deploy.command(name, 'python', relative=True))}"
        for name in deploy.names
    ]
    return "\n".join(lines) + "\n"


# -- systemd ----------------------------------------------------------------------


def systemd_word(word: str, expands_variables: bool = True) -> str:
    """Quote one word for ``ExecStart=`` (``Environment=``: no ``$`` expansion).

    systemd splits on spaces, understands double quotes with C escapes and
    expands ``%x`` specifiers everywhere and ``$VAR`` in commands: doubling ``%``
    and ``$`` keeps them literal.
    """
    escaped = word.replace("%", "%%")
    if expands_variables:
        escaped = escaped.replace("$", "$$")
    if not word or SYSTEMD_SPECIAL & set(word):
        inner = escaped.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + inner.replace("\n", "\\n") + '"'
    return escaped


def unit_name(deploy: Deployment, name: str) -> str:
    return f"{deploy.project}-{name}.service"


def systemd_unit(deploy: Deployment, name: str) -> str:
    """A service unit that runs one process under systemd.

    ``KillMode=mixed``: systemd sends SIGTERM to the main process only (the
    server or worker, which stops its own children gracefully) and SIGKILLs
    whatever is left of the unit when ``TimeoutStopSec`` runs out. The default
    mode would send SIGTERM to every process at once, which kills a Celery
    pool's children in the middle of their tasks.
    """
    argv = deploy.command(name, deploy.python, relative=False)
    environment = {"DJANGO_SETTINGS_MODULE": deploy.settings, "PYTHONUNBUFFERED": "1"}
    assignments = " ".join(
        systemd_word(f"{key}={value}", expands_variables=False)
        for key, value in environment.items()
        if value
    )
    lines = [
        f"# {unit_name(deploy, name)}",
        "[Unit]",
        f"Description={deploy.project} {name} (manage.py prodserver {name})",
        "After=network.target",
        "",
        "[Service]",
        "Type=exec",
        "# Run as an unprivileged user, e.g. User=www-data; secrets can come from",
        "# an EnvironmentFile=.",
        f"WorkingDirectory={deploy.cwd.replace('%', '%%')}",
        f"Environment={assignments}",
        f"ExecStart={' '.join(systemd_word(word) for word in argv)}",
        "KillMode=mixed",
        f"TimeoutStopSec={seconds(deploy.stop_timeout)}s",
        "Restart=on-failure",
        f"SyslogIdentifier={deploy.project}-{name}",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]
    return "\n".join(lines) + "\n"


def systemd(deploy: Deployment) -> str:
    """Every unit, each starting with a comment that names its file."""
    return "\n".join(systemd_unit(deploy, name) for name in deploy.names)


# -- compose ----------------------------------------------------------------------


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def compose(deploy: Deployment) -> str:
    """A ``services:`` block: one service per process, all built from ``.``.

    The command is in exec form, run from the image's working directory, so the
    program is PID 1 of its container and receives ``docker stop``'s SIGTERM.
    """
    lines = [
        "# manage.py prodserver --export compose: one service per process.",
        "# Add ports, volumes, depends_on and the environment your project needs.",
        "services:",
    ]
    for name in deploy.names:
        argv = deploy.command(name, "python", relative=True)
        lines += [
            f"  {yaml_string(name)}:",
            "    build: .",
            f"    command: [{', '.join(yaml_string(word) for word in argv)}]",
            "    stop_signal: SIGTERM",
            f"    stop_grace_period: {seconds(deploy.stop_timeout)}s",
        ]
    return "\n".join(lines) + "\n"


RENDERERS: Mapping[str, Callable[[Deployment], str]] = {
    "procfile": procfile,
    "systemd": systemd,
    "compose": compose,
}


def render(export_format: str, deploy: Deployment) -> str:
    """The text of one export format for the deployment."""
    try:
        renderer = RENDERERS[export_format]
    except KeyError:
        raise ExportError(
            f"unknown export format {export_format!r}; use one of {', '.join(FORMATS)}"
        ) from None
    return renderer(deploy)
