"""``--export compose`` as written, with Docker Compose: the release step runs
once before the others start, web becomes healthy, the worker runs a task, and
``down`` leaves nothing behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import free_port, get, wait_for_http

from .docker import docker, inspect, wait_for

PROJECT = "prodserver-test-compose"
#: What the project adds in its own file, as the compose guide says: here a
#: directory for the SQLite database and the task's marks.
OWN_FILE = """\
x-data: &data
  volumes: ["{data}:/data"]
  environment:
    ENGINE_DB: /data/db.sqlite3
    ENGINE_DATA: /data
services:
  release: *data
  web: *data
  worker: *data
"""


def compose_client() -> str:
    found = shutil.which("docker-compose")
    if found is None:
        pytest.fail("docker-compose is not installed (apt-get install docker-compose)")
    return found


def compose(project: Path, *args: str, timeout: float = 300) -> str:
    files = ["-f", "compose.prodserver.yaml", "-f", "compose.yaml"]
    result = subprocess.run(
        [compose_client(), "--project-name", PROJECT, *files, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def export(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """``python manage.py prodserver ARGS`` in the project, on this machine."""
    result = subprocess.run(
        [sys.executable, "manage.py", "prodserver", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def python_slim(python_image: str) -> Iterator[None]:
    """The stand-in image under the name the guide's Dockerfile starts FROM, so
    that compose builds it as written (no registry is needed)."""
    docker("tag", python_image, "python:3.12-slim")
    yield
    docker("image", "rm", "python:3.12-slim", check=False)


def containers_of(service: str) -> list[str]:
    label = f"com.docker.compose.service={service}"
    project = f"com.docker.compose.project={PROJECT}"
    listing = docker(
        "ps",
        "--all",
        "--quiet",
        "--filter",
        f"label={project}",
        "--filter",
        f"label={label}",
    )
    return listing.stdout.split()


# app_image: the guide's image, built first, gives the build its layer cache.
@pytest.mark.usefixtures("python_slim", "app_image")
def test_the_compose_export_runs_as_written(project: Path, data_dir: Path) -> None:
    port = free_port()
    text = export(
        project, "--export", "compose", "--probe-path=/admin/login/",
        "--", f"web:--bind=0.0.0.0:{port}",
    )  # fmt: skip
    (project / "compose.prodserver.yaml").write_text(text)
    (project / "compose.yaml").write_text(OWN_FILE.format(data=data_dir))
    try:
        compose(project, "up", "--detach", "--build")
        (release,) = containers_of("release")
        (web,) = containers_of("web")
        assert len(containers_of("worker")) == 1
        ran = inspect("container", release)["State"]
        assert isinstance(ran, dict)
        assert ran["ExitCode"] == 0
        web_state = inspect("container", web)["State"]
        assert isinstance(web_state, dict)
        assert str(ran["FinishedAt"]) <= str(web_state["StartedAt"])
        wait_for_http(f"http://127.0.0.1:{port}/engine/", timeout=60)

        def health() -> str:
            state = inspect("container", web)["State"]
            return str(state["Health"]["Status"])  # type: ignore[index]

        wait_for(
            lambda: health() == "healthy",
            40,
            "web healthy",
            lambda: compose(project, "logs"),
        )
        status, body = get(f"http://127.0.0.1:{port}/engine/enqueue/?name=compose")
        assert status == 200, body
        wait_for(
            (data_dir / "compose.done").exists,
            30,
            "the task ran",
            lambda: compose(project, "logs"),
        )
        assert len(containers_of("release")) == 1  # it ran once
    finally:
        compose(project, "down", "--volumes", "--rmi", "all", "--timeout", "40")
    assert (
        containers_of("web") + containers_of("worker") + containers_of("release") == []
    )
    networks = docker(
        "network",
        "ls",
        "--quiet",
        "--filter",
        f"label=com.docker.compose.project={PROJECT}",
    )
    assert networks.stdout.split() == []


pytestmark = pytest.mark.engine
