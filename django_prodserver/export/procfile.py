"""A Procfile: one ``name: command`` line per process (Heroku, honcho, foreman).

One-shot processes (release steps) become the one ``release:`` line, which
Heroku and Dokku run once per deploy, before the new processes start.
"""

from __future__ import annotations

import shlex

from .deployment import Deployment


def render(deploy: Deployment) -> str:
    """``release:`` for the one-shot processes, then one ``name: command`` line
    per process, the commands quoted for a shell."""
    lines = []
    if deploy.oneshot:
        first, *more = deploy.oneshot
        release = deploy.command(first, "python", True, *more)
        lines.append(f"release: {shlex.join(release)}")
    lines += [
        f"{name}: {shlex.join(deploy.command(name, 'python', relative=True))}"
        for name in deploy.long_running
    ]
    return "\n".join(lines) + "\n"
