"""A docker compose file: one service per process, all from one image.

Every service runs ``python manage.py prodserver NAME`` in exec form, from the
image's working directory, so the program is process 1 of its container and
receives ``docker stop``'s signal itself. One service builds the image (or
none, with ``--image``); the others run the same image. A release step runs
once, to completion, before the other services start (``depends_on`` its
successful completion). Compose replaces ``$VAR`` in every value, so each
``$`` is written ``$$``.
"""

from __future__ import annotations

from typing import Any

from .deployment import Deployment, Process, seconds
from .values import checked_budget, checked_settings, checked_strings
from .yamlfile import dump

TARGET = "a compose file"
HEADER = (
    "manage.py prodserver --export compose: one service per process, one image.",
    "Add the services they need (database, broker), volumes and networks.",
)
#: How often a health check runs (a new container is found healthy that soon:
#: what a rolling update waits for), and how long a starting container has.
HEALTH_INTERVAL = "10s"
HEALTH_START_PERIOD = "30s"
HEALTH_RETRIES = 3
#: How long a health check may take: an HTTP request, or a command (Celery's
#: ping starts the program first).
HTTP_HEALTH_TIMEOUT = "10s"
COMMAND_HEALTH_TIMEOUT = "60s"


def escaped(value: Any) -> Any:
    """``value`` with every ``$`` of its strings doubled (Compose's escape)."""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, list):
        return [escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: escaped(item) for key, item in value.items()}
    return value


def image_of(deploy: Deployment, builds: bool) -> dict[str, Any]:
    """``image:`` (``--image``), or the image this export builds: one service
    has the ``build:`` and tags it, the others run that tag."""
    if deploy.image:
        return {"image": deploy.image}
    entry: dict[str, Any] = {}
    if builds:
        build: dict[str, Any] = {"context": deploy.build_context or "."}
        if deploy.dockerfile:
            build["dockerfile"] = deploy.dockerfile
        entry["build"] = build
    entry["image"] = f"{deploy.project}:latest"
    return entry


def healthcheck(deploy: Deployment, process: Process) -> dict[str, Any]:
    command = deploy.probe_command(process.name, "python", relative=True)
    web = process.web
    return {
        "test": ["CMD", *command],
        "interval": HEALTH_INTERVAL,
        "timeout": HTTP_HEALTH_TIMEOUT if web else COMMAND_HEALTH_TIMEOUT,
        "start_period": HEALTH_START_PERIOD,
        "retries": HEALTH_RETRIES,
    }


def service(deploy: Deployment, process: Process, first: bool) -> dict[str, Any]:
    """One process's service."""
    entry = image_of(deploy, builds=first)
    entry["command"] = deploy.command(process.name, "python", relative=True)
    if deploy.env_file:
        entry["env_file"] = [deploy.env_file]
    entry["environment"] = {
        "DJANGO_SETTINGS_MODULE": checked_settings(
            process.name, deploy.settings, TARGET
        ),
        "PYTHONUNBUFFERED": "1",
    }
    if process.port_variable is not None:
        entry["environment"]["PORT"] = str(process.port_variable)
    if process.ports:
        entry["ports"] = [f"{port}:{port}" for port in process.ports]
    waits = before(deploy, process)
    if waits:
        entry["depends_on"] = {
            name: {"condition": "service_completed_successfully"} for name in waits
        }
    if process.probe is not None and not process.oneshot:
        entry["healthcheck"] = healthcheck(deploy, process)
    if process.single_instance or process.replicas != 1:
        entry["deploy"] = {"replicas": process.replicas}
    entry["restart"] = "no" if process.oneshot else "unless-stopped"
    entry["stop_signal"] = process.stop_signal
    budget = checked_budget(process, TARGET)
    # compose has no "no limit": a day, for a process that stops when it is done.
    entry["stop_grace_period"] = "24h" if budget is None else f"{seconds(budget)}s"
    return entry


def before(deploy: Deployment, process: Process) -> list[str]:
    """The one-shot services that must complete before ``process`` starts: all
    of them for a long-running process, the previous one for a one-shot."""
    oneshot = list(deploy.oneshot)
    if not process.oneshot:
        return oneshot
    index = oneshot.index(process.name)
    return oneshot[index - 1 : index] if index else []


def warnings(deploy: Deployment) -> list[str]:
    loopback = [
        f"{p.name} listens on the loopback only: its published port reaches "
        "nothing. Bind it to 0.0.0.0 (or set no address and PORT)."
        for p in deploy.processes
        if p.loopback_only and p.ports
    ]
    return [*loopback, *shared_ports(deploy)]


def shared_ports(deploy: Deployment) -> list[str]:
    """One machine publishes a port once: a replicated web server needs a swarm
    (``--export stack``) or a proxy in front."""
    return [
        f"{p.name} runs {p.replicas} replicas and publishes port "
        f"{p.ports[0]}: on one machine, only one of them can. Use --export stack "
        "for a swarm."
        for p in deploy.processes
        if p.replicas > 1 and p.ports
    ]


def render(deploy: Deployment) -> str:
    """A compose file with a ``services:`` block: one-shot services first."""
    ordered = [deploy.by_name[name] for name in (*deploy.oneshot, *deploy.long_running)]
    services = {}
    for index, process in enumerate(ordered):
        entry = service(deploy, process, first=index == 0)
        checked_strings(process.name, entry, TARGET)
        services[process.name] = escaped(entry)
    return dump([{"services": services}], [*HEADER, *warnings(deploy)])
