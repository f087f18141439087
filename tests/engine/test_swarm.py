"""``--export stack`` deployed to a swarm with ``docker stack deploy``: web at
three replicas, and a rolling update while a client requests without pause
fails no request.

The swarm's ingress mesh and virtual IPs do not route on the machines that run
these tests, so the test reaches the replicas the other way a swarm offers:
``endpoint_mode: dnsrr`` (the service's name resolves to every replica) from a
client container in the stack's own network. A dnsrr service cannot publish a
port through the ingress mesh, so the test takes web's ``ports`` out; the rest
of the export is deployed as written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .docker import LABEL, docker, wait_for
from .test_compose import export

STACK = "prodserver-test-stack"
SERVICE = f"{STACK}_web"
HERE = Path(__file__).parent
#: What the test adds in a file of its own: a network a client container may
#: join, and the name the client asks for among the allowed hosts.
OWN_FILE = """\
version: "3.8"
services:
  web:
    environment:
      DJANGO_ALLOWED_HOSTS: web,localhost,127.0.0.1
    deploy:
      endpoint_mode: dnsrr
networks:
  default:
    attachable: true
"""


@pytest.fixture
def swarm() -> Iterator[None]:
    docker("swarm", "init", "--advertise-addr", "127.0.0.1")
    yield
    docker("swarm", "leave", "--force", check=False)


@pytest.fixture
def stack(swarm: None, project: Path, app_image: str) -> Iterator[str]:
    """The stack deployed, until every replica is healthy."""
    env = {**os.environ, "ENGINE_WEB_REPLICAS": "3"}
    text = export(
        project, "web", "--export", "stack", f"--image={app_image}",
        "--probe-path=/admin/login/", env=env,
    )  # fmt: skip
    exported = yaml.safe_load(text)
    web = exported["services"]["web"]
    assert web["deploy"]["replicas"] == 3
    assert web["deploy"]["update_config"]["order"] == "start-first"
    del web["ports"]
    (project / "stack.yaml").write_text(yaml.safe_dump(exported))
    (project / "stack.own.yaml").write_text(OWN_FILE)
    files = ["-c", str(project / "stack.yaml"), "-c", str(project / "stack.own.yaml")]
    docker("stack", "deploy", *files, STACK)
    try:
        wait_for(lambda: healthy_replicas() == 3, 90, "3 healthy replicas", tasks)
        yield STACK
    finally:
        docker("stack", "rm", STACK, check=False)
        wait_for(lambda: not stack_containers(), 60, "the stack's containers gone")
        wait_for(no_stack_network, 30, "the stack's network gone")


def stack_containers() -> list[str]:
    label = f"label=com.docker.stack.namespace={STACK}"
    return docker("ps", "--all", "--quiet", "--filter", label).stdout.split()


def no_stack_network() -> bool:
    return not docker(
        "network", "ls", "--quiet", "--filter", f"name={STACK}"
    ).stdout.split()


def healthy_replicas() -> int:
    label = f"label=com.docker.swarm.service.name={SERVICE}"
    found = docker("ps", "--quiet", "--filter", label, "--filter", "health=healthy")
    return len(found.stdout.split())


def tasks() -> str:
    return docker("service", "ps", "--no-trunc", SERVICE, check=False).stdout


def test_a_rolling_update_of_three_replicas_fails_no_request(
    stack: str, python_image: str
) -> None:
    client = docker(
        "run", "--detach", "--label", LABEL, "--network", f"{stack}_default",
        "--volume", f"{HERE / 'client.py'}:/client.py:ro",
        python_image, "python", "/client.py", "web", "8000", "/engine/", "60",
    ).stdout.strip()  # fmt: skip
    try:
        docker("service", "update", "--force", "--detach=false", SERVICE, timeout=120)
        docker("stop", client, timeout=30)
        output = docker("logs", client).stdout
    finally:
        docker("rm", "--force", client, check=False)
    report = json.loads(output.strip().splitlines()[-1])
    assert report["failed"] == 0, (report, tasks())
    assert report["requests"] > 100, report
    # The replicas of before the update answered, and new ones after it.
    assert len(report["hosts"]) > 3, report
    running = docker(
        "service", "ls", "--filter", f"name={SERVICE}", "--format", "{{.Replicas}}"
    )
    assert running.stdout.strip() == "3/3"


pytestmark = pytest.mark.engine
