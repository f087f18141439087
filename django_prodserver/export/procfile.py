"""A Procfile: one ``name: command`` line per process (Heroku, honcho, foreman)."""

from __future__ import annotations

import shlex

from .deployment import Deployment


def render(deploy: Deployment) -> str:
    """One ``name: command`` line per process, the command quoted for a shell."""
    lines = [
        f"{name}: {shlex.join(deploy.command(name, 'python', relative=True))}"
        for name in deploy.names
    ]
    return "\n".join(lines) + "\n"
