"""systemd service units: one unit per process."""

from __future__ import annotations

from .deployment import Deployment, seconds

#: Characters that need quoting in a systemd ``ExecStart=``/``Environment=`` word.
SYSTEMD_SPECIAL = frozenset(" \t\n\"'\\$%;")


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


def stop_sec(budget: float | None) -> str:
    """``TimeoutStopSec``: the stop budget, or systemd's ``infinity`` for none."""
    return "infinity" if budget is None else f"{seconds(budget)}s"


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
        f"TimeoutStopSec={stop_sec(deploy.stop_budget(name))}",
        "Restart=on-failure",
        f"SyslogIdentifier={deploy.project}-{name}",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]
    return "\n".join(lines) + "\n"


def render(deploy: Deployment) -> str:
    """Every unit, each starting with a comment that names its file."""
    return "\n".join(systemd_unit(deploy, name) for name in deploy.names)
