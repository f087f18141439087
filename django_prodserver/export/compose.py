"""A docker compose ``services:`` block: one service per process."""

from __future__ import annotations

import json

from .deployment import Deployment, seconds


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


#: ``stop_grace_period`` of a process without a stop limit: Compose needs one.
NO_LIMIT = "24h"


def grace_period(budget: float | None) -> list[str]:
    """The ``stop_grace_period`` line: the stop budget, or a day for none."""
    if budget is None:
        return [
            "    # No stop limit for this process; Compose needs one: a day.",
            f"    stop_grace_period: {NO_LIMIT}",
        ]
    return [f"    stop_grace_period: {seconds(budget)}s"]


def render(deploy: Deployment) -> str:
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
            *grace_period(deploy.stop_budget(name)),
        ]
    return "\n".join(lines) + "\n"
