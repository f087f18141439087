"""Fixtures of the container-engine stage (``make engine``, tests/engine/run.sh).

run.sh starts the engine and says where it is (``DOCKER_HOST``), which base
image stands in for ``python:3.12-slim`` and where the wheelhouse is. The images
are built once per session: the Python image (base image, virtualenv,
wheelhouse), then the guide's Dockerfile on a fresh ``startproject`` project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .docker import LABEL, Container, docker, run_container

HERE = Path(__file__).parent
DOCS = HERE.parent.parent / "docs" / "deployment"
PYTHON_IMAGE = "prodserver-test/python:wheels"
APP_IMAGE = "prodserver-test/mysite:latest"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.engine)


@pytest.fixture(scope="session")
def base_image() -> str:
    image = os.environ.get("PRODSERVER_ENGINE_BASE_IMAGE")
    if not image or not os.environ.get("DOCKER_HOST"):
        pytest.fail("run the engine tests with `make engine` (tests/engine/run.sh)")
    return image


def build(
    context: Path, tag: str, *options: str, dockerfile: str | None = None
) -> None:
    """``docker build`` of ``context``, labelled; intermediate containers
    are removed even when a step fails."""
    stdin = None
    if dockerfile is not None:
        options = (*options, "--file", "-")
        stdin = dockerfile
    docker(
        "build", "--force-rm", "--label", LABEL, "--tag", tag, *options, str(context),
        stdin=stdin, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="session")
def python_image(base_image: str) -> Iterator[str]:
    """The stand-in for ``python:3.12-slim``: ``python`` and ``pip`` on PATH, and
    pip installing from the run's wheelhouse."""
    wheels = Path(os.environ["PRODSERVER_ENGINE_WHEELS"])
    dockerfile = (HERE / "python.Dockerfile").read_text()
    build(
        wheels,
        PYTHON_IMAGE,
        "--build-arg",
        f"BASE_IMAGE={base_image}",
        dockerfile=dockerfile,
    )
    yield PYTHON_IMAGE
    docker("image", "rm", "--force", PYTHON_IMAGE, check=False)


def startproject(directory: Path) -> Path:
    """A fresh ``django-admin startproject mysite`` in ``directory``, with the
    lines the Docker guide adds to its settings, its requirements and its
    Dockerfile; then what the tests add (their pages, a worker)."""
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", "mysite", str(directory)],
        check=True,
        timeout=60,
    )
    settings = directory / "mysite" / "settings.py"
    guide = (DOCS / "settings_docker.py").read_text()
    tail = (HERE / "project" / "settings_tail.py").read_text()
    settings.write_text(settings.read_text() + "\n" + guide + tail)
    urls = directory / "mysite" / "urls.py"
    urls.write_text(urls.read_text() + (HERE / "project" / "urls_tail.py").read_text())
    shutil.copytree(HERE / "project" / "enginecheck", directory / "enginecheck")
    shutil.copy(HERE / "project" / "requirements.txt", directory)
    shutil.copy(DOCS / "Dockerfile", directory)
    return directory


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return startproject(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="session")
def app_image(project: Path, python_image: str) -> Iterator[str]:
    """The guide's Dockerfile, built on the project (FROM the stand-in image)."""
    build(project, APP_IMAGE, "--build-arg", f"PYTHON_IMAGE={python_image}")
    yield APP_IMAGE
    docker("image", "rm", "--force", APP_IMAGE, check=False)


@pytest.fixture
def containers() -> Iterator[list[Container]]:
    """The containers a test starts (append them): removed after the test."""
    started: list[Container] = []
    yield started
    for container in started:
        container.remove()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A directory the container's user may write, to mount as ``/data``."""
    directory = tmp_path / "data"
    directory.mkdir()
    directory.chmod(0o777)
    return directory


__all__ = ["Container", "run_container"]
