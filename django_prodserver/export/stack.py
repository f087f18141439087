"""A stack file for a Docker swarm: ``docker stack deploy -c FILE NAME``.

The services of the compose export, as a swarm needs them:

- ``version: "3.8"``, which Docker before 23 requires of a stack file;
- no ``build:``: a swarm builds nothing, and every service runs the image
  (``--image``, or the project's ``NAME:latest``), which every node must have;
- no release service and no ``depends_on``: a swarm starts services in no
  order and cannot run one to completion first, so the release step runs
  before each deploy (the header says how);
- ``deploy:``: the entry's ``REPLICAS``, a rolling update that starts each new
  container and waits for it to be healthy before it stops an old one
  (``start-first``; ``stop-first`` for a process that must never run twice),
  and a restart whenever a container exits.

The stop signal, the stop grace period and the health check are the compose
export's: the health check's short interval is what lets an update go on
soon after each new container is ready.
"""

from __future__ import annotations

from typing import Any

from . import compose
from .deployment import Deployment, Process
from .values import checked_strings
from .yamlfile import dump

TARGET = "a stack file"
#: The oldest version of the compose file format with everything written here.
VERSION = "3.8"
HEADER = (
    "manage.py prodserver --export stack: one service per process, one image,",
    "for docker stack deploy. A swarm builds nothing: build the image first.",
)


def update_config(process: Process) -> dict[str, Any]:
    """One container at a time; the new one first, unless two must never run."""
    order = "stop-first" if process.single_instance else "start-first"
    return {"parallelism": 1, "order": order, "failure_action": "rollback"}


def service(deploy: Deployment, process: Process) -> dict[str, Any]:
    entry = compose.service(deploy, process, first=False)
    for key in ("depends_on", "restart", "deploy"):
        entry.pop(key, None)
    entry["deploy"] = {
        "replicas": process.replicas,
        "update_config": update_config(process),
        "restart_policy": {"condition": "any"},
    }
    return entry


def release_lines(deploy: Deployment) -> list[str]:
    """How to run the release steps, which a swarm cannot order (a process's
    name is a plain word; its arguments may not be, and stay out of comments)."""
    return [
        f"Before each deploy, run the release step {name} once, to completion, "
        f"in a container of the image: prodserver {name}."
        for name in deploy.oneshot
    ]


def render(deploy: Deployment) -> str:
    services = {}
    for name in deploy.long_running:
        process = deploy.by_name[name]
        entry = service(deploy, process)
        checked_strings(process.name, entry, TARGET)
        services[name] = compose.escaped(entry)
    comments = [*HEADER, *release_lines(deploy), *compose.warnings(deploy)]
    return dump([{"version": VERSION, "services": services}], comments)
