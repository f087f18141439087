"""Kubernetes objects: a Deployment per process, a Service per web process,
a Job per release step.

Each container runs ``prodserver NAME`` in exec form, so the program is
process 1 and receives the kubelet's SIGTERM itself. The pod's
``terminationGracePeriodSeconds`` is the process's stop budget, rounded up,
plus a margin. A Deployment runs the entry's ``REPLICAS``; with more than one,
a PodDisruptionBudget keeps all but one running through a node's drain, and
the pods spread over nodes. A process that must run once only (Celery beat)
has one replica and the ``Recreate`` strategy, so a rollout never runs two.
The settings module comes from a ConfigMap; each process has a NetworkPolicy
that admits connections to its ports only (none for a worker). What each pod
must satisfy, and its probes: :mod:`.kubernetes_pod`.

With ``--helm-hooks`` the release Jobs are Helm hooks that run before an
install or upgrade, in their order, after the ConfigMap they read (a hook of a
lower weight, which stays for the Deployments).

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

from ..text import brief
from .deployment import Deployment, Process, whole_seconds
from .kubernetes_pod import escaped, hardened, pod_policy, probes, with_writable_args
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
#: Seconds a web server keeps serving after its pod is deleted, while the
#: Service stops sending it requests (both happen at once).
ENDPOINT_DELAY = 5
#: A release Job is not retried: a failed migration needs a person.
RELEASE_BACKOFF_LIMIT = 0
#: Seconds the kubelet waits beyond a stop budget before it kills: prodserver
#: ends the program at the budget, and needs a moment to do so.
GRACE_MARGIN = 5
#: The variables every container gets from the project's ConfigMap.
CONFIG_NAME = "config"
#: When Helm runs a release Job: before it installs or upgrades the rest.
HELM_HOOK = "pre-install,pre-upgrade"
#: A Job is replaced by the next run, and deleted once it succeeded; the
#: ConfigMap only replaced, since the Deployments read it too.
JOB_DELETE_POLICY = "before-hook-creation,hook-succeeded"
CONFIG_DELETE_POLICY = "before-hook-creation"
#: Helm creates hooks by increasing weight: the ConfigMap before the Jobs
#: (weights 0, 1, … in their order).
CONFIG_HOOK_WEIGHT = -10


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


def labels(deploy: Deployment, name: str) -> dict[str, str]:
    """The labels of a process's objects, which its selectors match: its object
    name, and the project's name where it is a valid label value."""
    found = {"app.kubernetes.io/name": name}
    if LABEL_VALUE.fullmatch(deploy.project):
        found["app.kubernetes.io/part-of"] = deploy.project
    return found


def manifest(
    deploy: Deployment, api: str, kind: str, name: str, **body: Any
) -> dict[str, Any]:
    """An object of ``kind`` named ``name``, with its labels, and ``body``."""
    metadata = {"name": name, "labels": labels(deploy, name)}
    return {"apiVersion": api, "kind": kind, "metadata": metadata, **body}


def config_map(deploy: Deployment) -> dict[str, Any]:
    """The ConfigMap of the variables every process shares."""
    settings = checked_settings(deploy.names[0], deploy.settings, TARGET)
    data = {"DJANGO_SETTINGS_MODULE": settings, "PYTHONUNBUFFERED": "1"}
    return manifest(
        deploy, "v1", "ConfigMap", kube_name(deploy, CONFIG_NAME), data=data
    )


def environment(deploy: Deployment, process: Process) -> dict[str, Any]:
    """Where a container's variables come from: the ConfigMap, the Secret of
    ``--env-file``, and its own ``PORT``."""
    sources: list[dict[str, Any]] = [
        {"configMapRef": {"name": kube_name(deploy, CONFIG_NAME)}}
    ]
    if deploy.env_file:
        sources.append({"secretRef": {"name": kube_name(deploy, "env")}})
    found: dict[str, Any] = {"envFrom": sources}
    if process.port_variable is not None:
        found["env"] = [{"name": "PORT", "value": str(process.port_variable)}]
    return found


def container(deploy: Deployment, process: Process, name: str) -> dict[str, Any]:
    command = deploy.command(process.name, "python", relative=True)
    command = with_writable_args(command, process)
    entry: dict[str, Any] = {
        "name": name,
        "image": deploy.image or PLACEHOLDER_IMAGE.format(project=deploy.project),
        "command": escaped(command),
        **environment(deploy, process),
    }
    if process.ports:
        entry["ports"] = [{"containerPort": port} for port in process.ports]
    entry.update(probes(deploy, process))
    if serves(process):
        entry["lifecycle"] = {"preStop": {"sleep": {"seconds": ENDPOINT_DELAY}}}
    return hardened(entry, process)


def serves(process: Process) -> bool:
    """Whether a Service sends the process requests."""
    return process.web and bool(process.ports) and not process.oneshot


def pod_spec(deploy: Deployment, process: Process) -> dict[str, Any]:
    # The grace period counts from the preStop hook: its sleep, then the stop.
    budget = checked_budget(process, TARGET)
    delay = ENDPOINT_DELAY if serves(process) else 0
    grace = whole_seconds(budget_or_a_day(budget)) + delay + GRACE_MARGIN
    spec: dict[str, Any] = {"terminationGracePeriodSeconds": grace, **pod_policy()}
    if process.oneshot:
        spec["restartPolicy"] = "Never"
    spec["containers"] = [
        container(deploy, process, process_container(deploy, process))
    ]
    return spec


def deployment_object(deploy: Deployment, process: Process) -> dict[str, Any]:
    name = kube_name(deploy, process.name)
    spec: dict[str, Any] = {
        "replicas": process.replicas,
        "selector": {"matchLabels": labels(deploy, name)},
    }
    if process.single_instance:
        spec["strategy"] = {"type": "Recreate"}
    pod = pod_spec(deploy, process)
    if process.replicas > 1:
        pod["topologySpreadConstraints"] = [spread(deploy, name)]
    spec["template"] = {"metadata": {"labels": labels(deploy, name)}, "spec": pod}
    return manifest(deploy, "apps/v1", "Deployment", name, spec=spec)


def spread(deploy: Deployment, name: str) -> dict[str, Any]:
    """Copies of a process on different nodes where the cluster can."""
    return {
        "maxSkew": 1,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": labels(deploy, name)},
    }


def disruption_budget(deploy: Deployment, process: Process) -> dict[str, Any]:
    """At most one copy of a process down at once while nodes are drained."""
    name = kube_name(deploy, process.name)
    spec = {"maxUnavailable": 1, "selector": {"matchLabels": labels(deploy, name)}}
    return manifest(deploy, "policy/v1", "PodDisruptionBudget", name, spec=spec)


def network_policy(deploy: Deployment, process: Process) -> dict[str, Any]:
    """Connections to the process's pods: to its ports (a web server), or none.
    Its own connections out (database, broker) are not limited."""
    name = kube_name(deploy, process.name)
    ports = [{"port": port, "protocol": "TCP"} for port in process.ports]
    spec = {
        "podSelector": {"matchLabels": labels(deploy, name)},
        "policyTypes": ["Ingress"],
        "ingress": [{"ports": ports}] if serves(process) else [],
    }
    return manifest(deploy, "networking.k8s.io/v1", "NetworkPolicy", name, spec=spec)


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
    spec = {"selector": labels(deploy, name), "ports": ports}
    return manifest(deploy, "v1", "Service", name, spec=spec)


def job_object(deploy: Deployment, process: Process) -> dict[str, Any]:
    name = kube_name(deploy, process.name)
    template = {
        "metadata": {"labels": labels(deploy, name)},
        "spec": pod_spec(deploy, process),
    }
    spec = {"backoffLimit": RELEASE_BACKOFF_LIMIT, "template": template}
    return manifest(deploy, "batch/v1", "Job", name, spec=spec)


def objects(deploy: Deployment) -> list[dict[str, Any]]:
    """The ConfigMap, the Jobs (release steps), then each process's Deployment
    and, for a web server, its Service; the NetworkPolicies and
    PodDisruptionBudgets last."""
    names = [kube_name(deploy, name) for name in deploy.names]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash is not None:
        first = deploy.names[names.index(clash)]
        refuse(first, "the object name", clash, TARGET, "two processes share it")
    found: list[dict[str, Any]] = [config_map(deploy)]
    found += [job_object(deploy, p) for p in deploy.processes if p.oneshot]
    for process in deploy.processes:
        if process.oneshot:
            continue
        found.append(deployment_object(deploy, process))
        if serves(process):
            found.append(service_object(deploy, process))
    found += [network_policy(deploy, p) for p in deploy.processes]
    found += [disruption_budget(deploy, p) for p in deploy.processes if p.replicas > 1]
    if deploy.helm_hooks and deploy.oneshot:
        add_helm_hooks(found)
    return found


def add_helm_hooks(found: list[dict[str, Any]]) -> None:
    """Helm's hook annotations on the release Jobs, in their order, and on the
    ConfigMap they read, created before them."""
    jobs = [document for document in found if document["kind"] == "Job"]
    config = next(document for document in found if document["kind"] == "ConfigMap")
    hooks = [(config, CONFIG_HOOK_WEIGHT, CONFIG_DELETE_POLICY)]
    hooks += [(job, weight, JOB_DELETE_POLICY) for weight, job in enumerate(jobs)]
    for document, weight, policy in hooks:
        document["metadata"]["annotations"] = {
            "helm.sh/hook": HELM_HOOK,
            "helm.sh/hook-weight": str(weight),
            "helm.sh/hook-delete-policy": policy,
        }


def header(deploy: Deployment) -> list[str]:
    lines = [
        "manage.py prodserver --export kubernetes: a Deployment per process,",
        "a Service per web server, a Job per release step.",
    ]
    if not deploy.image:
        lines.append("The image is a placeholder: export with --image IMAGE.")
    if deploy.oneshot and deploy.helm_hooks:
        lines.append(
            "The Jobs are Helm hooks: Helm runs them before it installs or "
            "upgrades the rest, after the ConfigMap."
        )
    elif deploy.oneshot:
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
    # The ConfigMap is checked for the first process (it holds what all share).
    first = deploy.names[0]
    return [(by_object.get(d["metadata"]["name"], first), d) for d in documents]
