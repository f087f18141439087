"""What a cluster's security policy asks of each pod, and how the kubelet
checks it: security contexts, a writable ``/tmp``, resources and probes.

The containers run as an unprivileged user (UID and GID 10001, which the
Dockerfile of the deployment guide creates) with a read-only root filesystem,
no capabilities, no privilege escalation and the runtime's default seccomp
profile; pods get no service-account token. ``/tmp`` is an ``emptyDir``: it is
where Python's temporary files and the servers' worker heartbeats go, and where
a program that writes in its working directory is told to write instead
(Celery beat's schedule file).

Probes: a ``startupProbe`` gives the program time to start; then readiness
takes a pod out of its Service while it cannot answer, and liveness restarts it
only when the process itself is stuck. A web server's liveness asks its port
for a TCP connection, never a page, so a database that is down does not
restart every web pod.
"""

from __future__ import annotations

from typing import Any

from ..backends.probes import CommandProbe, HttpProbe, ProcessProbe, ProgramProbe
from ..config.quantities import quantity
from .deployment import SCRATCH_DIR, Deployment, Process

#: The user and group of every container (a UID above those of a host's users).
RUN_AS = 10001
POD_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": RUN_AS,
    "runAsGroup": RUN_AS,
    "fsGroup": RUN_AS,
    "seccompProfile": {"type": "RuntimeDefault"},
}
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "runAsUser": RUN_AS,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
#: The one writable directory of a container.
SCRATCH = {"name": "tmp", "mountPath": SCRATCH_DIR}


def amounts(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict[str, Any]:
    """A container's ``resources``: what it requests, and its limits."""
    return {
        "requests": {"cpu": cpu, "memory": memory},
        "limits": {"cpu": cpu_limit, "memory": memory_limit},
    }


#: Requests and limits by kind of process, where its entry's ``RESOURCES`` sets
#: none.
RESOURCES = {
    "web": amounts("250m", "256Mi", "1", "512Mi"),
    "worker": amounts("250m", "256Mi", "1", "1Gi"),
    "scheduler": amounts("50m", "128Mi", "250m", "256Mi"),
    "release": amounts("250m", "256Mi", "1", "512Mi"),
}
#: Probe timing: a web server answers at once, a command probe starts a program.
#: A start may take a minute (web) or five (a worker that connects to its
#: broker); liveness gives up later than readiness: a busy server is taken out
#: of its Service for a while, not restarted.
HTTP_STARTUP = {"periodSeconds": 2, "timeoutSeconds": 5, "failureThreshold": 30}
HTTP_READINESS = {"periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
HTTP_LIVENESS = {"periodSeconds": 20, "timeoutSeconds": 5, "failureThreshold": 3}
COMMAND_STARTUP = {"periodSeconds": 10, "timeoutSeconds": 60, "failureThreshold": 30}
COMMAND_READINESS = {"periodSeconds": 60, "timeoutSeconds": 60, "failureThreshold": 3}
COMMAND_LIVENESS = {"periodSeconds": 60, "timeoutSeconds": 60, "failureThreshold": 5}


def kind_of(process: Process) -> str:
    """The kind of process whose default resources it gets."""
    if process.oneshot:
        return "release"
    if process.single_instance:
        return "scheduler"
    return "web" if process.web else "worker"


def escaped(words: list[str]) -> list[str]:
    """Words of a command, each ``$`` written ``$$`` (Kubernetes expands
    ``$(VAR)`` in commands)."""
    return [word.replace("$", "$$") for word in words]


def with_writable_args(command: list[str], process: Process) -> list[str]:
    """``command`` and the arguments that make the process write in the
    container's writable directory, after its own arguments after ``--``."""
    if not process.writable_args:
        return command
    return [*command, *([] if "--" in command else ["--"]), *process.writable_args]


def probes(deploy: Deployment, process: Process) -> dict[str, Any]:
    """Startup, readiness and liveness probes: HTTP for a web server, ``exec``
    of ``prodserver NAME --probe`` for a worker (which asks it, or looks for
    its processes)."""
    probe = process.probe
    if isinstance(probe, HttpProbe):
        action: dict[str, Any] = {"path": probe.path, "port": probe.port}
        if probe.host_header:
            action["httpHeaders"] = [{"name": "Host", "value": probe.host_header}]
        return {
            "startupProbe": {"httpGet": action, **HTTP_STARTUP},
            "readinessProbe": {"httpGet": action, **HTTP_READINESS},
            "livenessProbe": {"tcpSocket": {"port": probe.port}, **HTTP_LIVENESS},
        }
    if isinstance(probe, (CommandProbe, ProcessProbe, ProgramProbe)):
        command = deploy.probe_command(process.name, "python", relative=True)
        # The probe looks for the command as the container runs it.
        check = {"command": escaped(with_writable_args(command, process))}
        return {
            "startupProbe": {"exec": check, **COMMAND_STARTUP},
            "readinessProbe": {"exec": check, **COMMAND_READINESS},
            "livenessProbe": {"exec": check, **COMMAND_LIVENESS},
        }
    return {}


def resources(process: Process) -> dict[str, Any]:
    """The entry's ``RESOURCES``, each amount it leaves out the default of its
    kind of process; a default limit below the entry's request is raised to it
    (Kubernetes refuses a request above its limit)."""
    default = RESOURCES[kind_of(process)]
    given = process.resources or {}
    found = {side: {**default[side], **given.get(side, {})} for side in default}
    for name, asked in found["requests"].items():
        limit = found["limits"][name]
        if name not in given.get("limits", {}) and below(limit, asked):
            found["limits"][name] = asked
    return found


def below(limit: str, asked: str) -> bool:
    low, high = quantity(limit), quantity(asked)
    return low is not None and high is not None and low < high


def hardened(container: dict[str, Any], process: Process) -> dict[str, Any]:
    """``container`` with its security context, resources and ``/tmp``."""
    return {
        **container,
        "resources": resources(process),
        "securityContext": CONTAINER_SECURITY,
        "volumeMounts": [SCRATCH],
    }


def pod_policy() -> dict[str, Any]:
    """What every pod spec adds: no service-account token, the pod's security
    context, and the ``emptyDir`` of ``/tmp``."""
    return {
        "automountServiceAccountToken": False,
        "securityContext": POD_SECURITY,
        "volumes": [{"name": SCRATCH["name"], "emptyDir": {}}],
    }
