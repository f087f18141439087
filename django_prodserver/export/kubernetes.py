"""Kubernetes objects: a Deployment per process, a Service per web process,
a Job per release step.

Each container runs ``python manage.py prodserver NAME`` in exec form, so the
program is process 1 and receives the kubelet's SIGTERM itself. The pod's
``terminationGracePeriodSeconds`` is the process's stop budget, rounded up.
Web servers get ``httpGet`` readiness and liveness probes on their port; a
worker whose backend can be asked (Celery) gets ``exec`` probes that run
``prodserver NAME --probe``. A process that must run once only (Celery beat)
has one replica and the ``Recreate`` strategy, so a rollout never runs two.

Kubernetes replaces ``$(VAR)`` in commands, probe commands and variables, and
``$$`` with ``$``: each ``$`` is written ``$$``.

A web server's pod sleeps 5 seconds in a ``preStop`` hook before it gets
SIGTERM: deleting a pod and removing it from its Service's endpoints happen at
once, and requests still arrive for a moment. The sleep needs Kubernetes 1.30
or later; the grace period includes it.
"""

from __future__ import annotations

import re
from typing import Any

from ..backends.probes import CommandProbe, HttpProbe
from ..text import brief
from .deployment import Deployment, Process, whole_seconds
from .values import (
    budget_or_a_day,
    checked_budget,
    checked_settings,
    checked_strings,
    refuse,
)
from .yamlfile import dump

TARGET = "Kubernetes objects"
#: The image when ``--image`` is not given: a placeholder to replace.
PLACEHOLDER_IMAGE = "registry.example.com/{project}:latest"
#: A Service name (DNS-1035 label), which the other names must be too.
OBJECT_NAME = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")
#: A container name (DNS-1123 label).
CONTAINER_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
#: A label value.
LABEL_VALUE = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
#: Probe timing: web servers answer at once; a command probe starts a program.
#: Liveness is slower to give up than readiness: a busy server is taken out of
#: the Service for a while, not restarted.
HTTP_READINESS = {"periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
HTTP_LIVENESS = {
    "initialDelaySeconds": 10,
    "periodSeconds": 20,
    "timeoutSeconds": 5,
    "failureThreshold": 3,
}
COMMAND_READINESS = {"periodSeconds": 60, "timeoutSeconds": 60, "failureThreshold": 3}
COMMAND_LIVENESS = {"initialDelaySeconds": 30, **COMMAND_READINESS}
#: Seconds a web server keeps serving after its pod is deleted, while the
#: Service stops sending it requests (both happen at once).
ENDPOINT_DELAY = 5
#: A release Job is not retried: a failed migration needs a person.
RELEASE_BACKOFF_LIMIT = 0


def kube_name(deploy: Deployment, name: str) -> str:
    """The object name of a process: the prefix and its name, lower case, ``_``
    as ``-``; refused unless it is a valid Service name."""
    candidate = f"{deploy.prefix}{name}".lower().replace("_", "-")
    if not OBJECT_NAME.fullmatch(candidate):
        refuse(
            name,
            "the object name",
            candidate,
            TARGET,
            "Kubernetes names are at most 63 lower-case letters, digits and '-', "
            "starting with a letter and ending with a letter or digit",
            "Choose another prefix with --name-prefix.",
        )
    return candidate


def escaped(words: list[str]) -> list[str]:
    return [word.replace("$", "$$") for word in words]


def labels(deploy: Deployment, name: str) -> dict[str, str]:
    """The labels of a process's objects, which its selectors match: its object
    name, and the project's name where it is a valid label value."""
    found = {"app.kubernetes.io/name": name}
    if LABEL_VALUE.fullmatch(deploy.project):
        found["app.kubernetes.io/part-of"] = deploy.project
    return found


def environment(deploy: Deployment, process: Process) -> list[dict[str, str]]:
    settings = checked_settings(process.name, deploy.settings, TARGET)
    variables = {"DJANGO_SETTINGS_MODULE": settings, "PYTHONUNBUFFERED": "1"}
    if process.port_variable is not None:
        variables["PORT"] = str(process.port_variable)
    return [{"name": k, "value": v.replace("$", "$$")} for k, v in variables.items()]


def probes(deploy: Deployment, process: Process) -> dict[str, Any]:
    """Readiness and liveness probes: ``httpGet`` for a web server, ``exec``
    of ``prodserver NAME --probe`` for a worker that can be asked."""
    probe = process.probe
    if isinstance(probe, HttpProbe):
        action: dict[str, Any] = {"path": probe.path, "port": probe.port}
        if probe.host_header:
            action["httpHeaders"] = [{"name": "Host", "value": probe.host_header}]
        return {
            "readinessProbe": {"httpGet": action, **HTTP_READINESS},
            "livenessProbe": {"httpGet": action, **HTTP_LIVENESS},
        }
    if isinstance(probe, CommandProbe):
        command = deploy.probe_command(process.name, "python", relative=True)
        check = {"command": escaped(command)}
        return {
            "readinessProbe": {"exec": check, **COMMAND_READINESS},
            "livenessProbe": {"exec": check, **COMMAND_LIVENESS},
        }
    return {}


def container(deploy: Deployment, process: Process, name: str) -> dict[str, Any]:
    command = deploy.command(process.name, "python", relative=True)
    entry: dict[str, Any] = {
        "name": name,
        "image": deploy.image or PLACEHOLDER_IMAGE.format(project=deploy.project),
        "command": escaped(command),
        "env": environment(deploy, process),
    }
    if deploy.env_file:
        entry["envFrom"] = [{"secretRef": {"name": kube_name(deploy, "env")}}]
    if process.ports:
        entry["ports"] = [{"containerPort": port} for port in process.ports]
    entry.update(probes(deploy, process))
    if serves(process):
        entry["lifecycle"] = {"preStop": {"sleep": {"seconds": ENDPOINT_DELAY}}}
    return entry


def serves(process: Process) -> bool:
    """Whether a Service sends the process requests."""
    return process.web and bool(process.ports) and not process.oneshot


def pod_spec(deploy: Deployment, process: Process) -> dict[str, Any]:
    # The grace period counts from the preStop hook: its sleep, then the stop.
    budget = checked_budget(process, TARGET)
    delay = ENDPOINT_DELAY if serves(process) else 0
    spec: dict[str, Any] = {
        "terminationGracePeriodSeconds": whole_seconds(budget_or_a_day(budget)) + delay
    }
    if process.oneshot:
        spec["restartPolicy"] = "Never"
    spec["containers"] = [
        container(deploy, process, process_container(deploy, process))
    ]
    return spec


def deployment_object(deploy: Deployment, process: Process) -> dict[str, Any]:
    name = kube_name(deploy, process.name)
    spec: dict[str, Any] = {
        "replicas": 1,
        "selector": {"matchLabels": labels(deploy, name)},
    }
    if process.single_instance:
        spec["strategy"] = {"type": "Recreate"}
    spec["template"] = {
        "metadata": {"labels": labels(deploy, name)},
        "spec": pod_spec(deploy, process),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels(deploy, name)},
        "spec": spec,
    }


def process_container(deploy: Deployment, process: Process) -> str:
    """The container's name: the process's name where it is a DNS label (as
    ``kubectl logs -c`` takes it), else its object name."""
    name = process.name.lower().replace("_", "-")
    return name if CONTAINER_NAME.fullmatch(name) else kube_name(deploy, process.name)


def service_object(deploy: Deployment, process: Process) -> dict[str, Any]:
    name = kube_name(deploy, process.name)
    ports = [
        {"name": f"http-{port}", "port": port, "targetPort": port, "protocol": "TCP"}
        for port in process.ports
    ]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": labels(deploy, name)},
        "spec": {"selector": labels(deploy, name), "ports": ports},
    }


def job_object(deploy: Deployment, process: Process) -> dict[str, Any]:
    name = kube_name(deploy, process.name)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "labels": labels(deploy, name)},
        "spec": {
            "backoffLimit": RELEASE_BACKOFF_LIMIT,
            "template": {
                "metadata": {"labels": labels(deploy, name)},
                "spec": pod_spec(deploy, process),
            },
        },
    }


def objects(deploy: Deployment) -> list[dict[str, Any]]:
    """Jobs (release steps) first, then each process's Deployment and, for a
    web server, its Service."""
    names = [kube_name(deploy, name) for name in deploy.names]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash is not None:
        first = deploy.names[names.index(clash)]
        refuse(first, "the object name", clash, TARGET, "two processes share it")
    found: list[dict[str, Any]] = []
    for process in deploy.processes:
        if process.oneshot:
            found.append(job_object(deploy, process))
    for process in deploy.processes:
        if process.oneshot:
            continue
        found.append(deployment_object(deploy, process))
        if serves(process):
            found.append(service_object(deploy, process))
    return found


def header(deploy: Deployment) -> list[str]:
    lines = [
        "manage.py prodserver --export kubernetes: a Deployment per process,",
        "a Service per web server, a Job per release step.",
    ]
    if not deploy.image:
        lines.append("The image is a placeholder: export with --image IMAGE.")
    if deploy.oneshot:
        lines.append(
            "Apply the Jobs and wait for them (kubectl wait --for=condition="
            "complete job/NAME) before the Deployments; delete a Job to run it again."
        )
    if deploy.env_file:
        lines.append(
            f"The variables of {brief(deploy.env_file)} come from the Secret "
            f"{kube_name(deploy, 'env')}: kubectl create secret generic "
            f"{kube_name(deploy, 'env')} --from-env-file=FILE"
        )
    lines += [
        f"{p.name} listens on the loopback only, which the kubelet's probes and "
        "the Service cannot reach: bind it to 0.0.0.0 (or set no address and PORT)."
        for p in deploy.processes
        if p.loopback_only and p.ports
    ]
    return lines


def render(deploy: Deployment) -> str:
    documents = objects(deploy)
    for process, document in zip_processes(deploy, documents):
        checked_strings(process, document, TARGET)
    return dump(documents, header(deploy))


def zip_processes(
    deploy: Deployment, documents: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """Each document with the process it is for (for the messages)."""
    by_object = {kube_name(deploy, name): name for name in deploy.names}
    return [(by_object[d["metadata"]["name"]], d) for d in documents]
