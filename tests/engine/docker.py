"""The Docker engine of the stage, through its command-line client.

Everything the tests create carries :data:`LABEL`, so that :mod:`sweep` finds
what a failed test left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import psutil

#: The label of every container, image, network and service the tests create.
LABEL = "prodserver.engine-test=1"
LABEL_KEY = LABEL.split("=")[0]


def client() -> str:
    """The docker client that run.sh chose (the engine package's own)."""
    return os.environ.get("DOCKER", "docker")


class DockerError(AssertionError):
    pass


def docker(
    *args: str, timeout: float = 180, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``docker ARGS``; a failure raises with the command's output."""
    result = subprocess.run(
        [client(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
        check=False,
    )
    if check and result.returncode != 0:
        raise DockerError(
            f"docker {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def inspect(kind: str, name: str) -> dict[str, object]:
    (data,) = json.loads(docker(kind, "inspect", name).stdout)
    assert isinstance(data, dict)
    return data


def wait_for(
    predicate: Callable[[], object],
    timeout: float,
    what: str,
    detail: Callable[[], object] = lambda: "",
    interval: float = 0.2,
) -> None:
    """Poll ``predicate`` until it is true; after ``timeout``, fail with
    ``what`` and ``detail()``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout:g} s\n{detail()}")


@dataclass
class Container:
    """A container the test started (``docker run -d``)."""

    id: str
    removed: bool = field(default=False)

    def state(self) -> dict[str, object]:
        state = inspect("container", self.id)["State"]
        assert isinstance(state, dict)
        return state

    def health(self) -> str:
        health = self.state().get("Health")
        return str(health["Status"]) if isinstance(health, dict) else "none"

    def health_log(self) -> str:
        """The last health checks' exit codes and output, and the logs."""
        health = self.state().get("Health")
        checks = health.get("Log", []) if isinstance(health, dict) else []
        lines = [f"{c['ExitCode']}: {c['Output'].strip()}" for c in checks]
        return "\n".join([*lines, self.logs()])

    def host_port(self, port: int = 8000) -> int:
        """The loopback port that ``port`` of the container is published on."""
        line = docker("port", self.id, f"{port}/tcp").stdout.split()[0]
        return int(line.rsplit(":", 1)[1])

    def host_pid(self) -> int:
        """The host's PID of the container's process 1."""
        return int(str(self.state()["Pid"]))

    def processes(self) -> list[psutil.Process]:
        """Process 1 of the container and every process under it, seen from
        the host."""
        init = psutil.Process(self.host_pid())
        return [init, *init.children(recursive=True)]

    def logs(self) -> str:
        result = docker("logs", self.id, check=False)
        return result.stdout + result.stderr

    def exec(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return docker("exec", self.id, *argv, timeout=timeout, check=False)

    def remove(self) -> None:
        if not self.removed:
            docker("rm", "--force", "--volumes", self.id, check=False)
            self.removed = True


def run_container(image: str, *command: str, options: Sequence[str] = ()) -> Container:
    """``docker run -d`` of ``image``, labelled, its port 8000 published on a
    free loopback port."""
    result = docker(
        "run", "--detach", "--label", LABEL, "--publish", "127.0.0.1::8000",
        *options, image, *command,
    )  # fmt: skip
    return Container(result.stdout.strip())
