"""A Procfile: one ``name: command`` line per process (Heroku, honcho, foreman).

One-shot processes (release steps) become the one ``release:`` line, which
Heroku and Dokku run once per deploy, before the new processes start.

A process of several copies (``REPLICAS``, ``--scale``) gets a comment line
that says how to run them: ``heroku ps:scale`` (each dyno one copy on its own
``$PORT``), or ``honcho start -c NAME=N``. Its command runs one copy.

Each command is quoted for a POSIX shell, which runs it. A Procfile has no way
to hold a line break inside a line (honcho ends lines at every break that
Python knows, U+0085 and U+2028 included): such a value is refused.
"""

from __future__ import annotations

import shlex

from .deployment import Deployment, Process
from .values import LINE_BREAKS, checked_text, refuse

TARGET = "a Procfile"


def line(label: str, argv: list[str], process: str) -> str:
    """``label: command``, or a refusal (naming ``process``) of the word that
    would break the line."""
    for word in argv:
        checked_text(process, "the argument", word, TARGET)
        if LINE_BREAKS & set(word):
            refuse(process, "the argument", word, TARGET, "a line break ends its line")
    return f"{label}: {shlex.join(argv)}"


def render(deploy: Deployment) -> str:
    """``release:`` for the one-shot processes, then one ``name: command`` line
    per process, the commands quoted for a shell."""
    lines = []
    if deploy.oneshot:
        if "release" in deploy.long_running:
            refuse(
                "release",
                "the process name",
                "release",
                TARGET,
                "the release step's line has that name",
                "Rename the process.",
            )
        first, *more = deploy.oneshot
        release = deploy.command(first, "python", True, *more)
        lines.append(line("release", release, first))
    for name in deploy.long_running:
        lines += scale_note(deploy.by_name[name])
        lines.append(line(name, deploy.command(name, "python", relative=True), name))
    return "\n".join(lines) + "\n"


def scale_note(process: Process) -> list[str]:
    """A comment on how to run the copies of ``process``."""
    name, replicas = process.name, process.replicas
    if replicas == 1:
        return []
    port = ", each on its own $PORT" if process.web else ""
    return [
        f"# {name}: {replicas} copies{port}: heroku ps:scale {name}={replicas} "
        f"(honcho start -c {name}={replicas})"
    ]
