"""The Docker guide's image on a real engine: built from the guide's own
Dockerfile on a fresh ``startproject`` project, then run with ``docker run``."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import psutil
import pytest

from django_prodserver.export.kubernetes_pod import RUN_AS
from tests.processes import InFlight, get, wait_for_http

from .docker import Container, docker, inspect, run_container, wait_for

#: How the health check runs in the tests: the image's command, checked often.
FAST_HEALTH = (
    "--health-interval=1s", "--health-timeout=3s", "--health-retries=3",
    "--health-start-period=20s",
)  # fmt: skip


def started(
    containers: list[Container],
    image: str,
    *command: str,
    options: tuple[str, ...] = (),
) -> tuple[Container, str]:
    """A container of ``image`` serving on its published port, and its URL."""
    container = run_container(image, *command, options=options)
    containers.append(container)
    base = f"http://127.0.0.1:{container.host_port()}"
    try:
        wait_for_http(f"{base}/engine/", timeout=60)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{container.logs()}") from exc
    return container, base


def zombies(container: Container) -> list[psutil.Process]:
    return [p for p in container.processes() if p.status() == psutil.STATUS_ZOMBIE]


def test_the_guides_image_runs_prodserver_as_a_user_with_a_health_check(
    app_image: str,
) -> None:
    config = inspect("image", app_image)["Config"]
    assert isinstance(config, dict)
    # A number, so that Kubernetes' runAsNonRoot can tell it is not root: the
    # user the Kubernetes export runs its containers as.
    assert config["User"] == str(RUN_AS)
    assert config["Cmd"] == ["prodserver", "web"]
    probe = ["prodserver", "web", "--probe", "--probe-path=/admin/login/"]
    assert config["Healthcheck"]["Test"] == ["CMD", *probe]


def test_the_server_is_process_1_and_serves_pages_and_static_files(
    app_image: str, containers: list[Container]
) -> None:
    """gunicorn's master replaces prodserver as process 1: it reaps every orphan
    itself, so that no init is needed in front of it."""
    container, base = started(containers, app_image)
    status, body = get(f"{base}/engine/")
    assert status == 200, body
    assert isinstance(body, dict)
    assert body["ppid"] == 1  # a gunicorn worker, whose master is process 1
    init = container.processes()[0]
    assert "gunicorn" in " ".join(init.cmdline()), init.cmdline()
    assert "django_prodserver" not in " ".join(init.cmdline())
    assert init.username() != "root"
    status, css = get(f"{base}/static/admin/css/base.css")
    assert status == 200
    assert "body" in str(css)
    assert container.exec("id", "-un").stdout.strip() == "app"
    status, body = get(f"{base}/engine/orphans/?count=20")
    assert status == 200, body
    # Each orphan lives 0.2 s; then process 1 reaps it, or it stays a zombie.
    time.sleep(0.5)
    wait_for(lambda: not zombies(container), 10, "orphans reaped by gunicorn")


def test_a_request_in_flight_at_docker_stop_completes(
    app_image: str, containers: list[Container]
) -> None:
    container, base = started(containers, app_image)

    def arrived(token: str) -> bool:
        return f"arrived {token}" in container.logs()

    with InFlight(f"{base}/engine/slow/?seconds=3", arrived=arrived) as request:
        docker("stop", container.id, timeout=30)
    assert request.status == 200, (request.error, container.logs())
    assert container.state()["ExitCode"] == 0, container.logs()


def test_the_health_check_turns_healthy_then_unhealthy_when_frozen(
    app_image: str, containers: list[Container]
) -> None:
    """The image's ``prodserver web --probe``; the whole server is stopped with
    SIGSTOP from the host (inside the container, process 1 ignores SIGSTOP)."""
    container, _ = started(containers, app_image, options=FAST_HEALTH)
    wait_for(
        lambda: container.health() == "healthy", 30, "healthy", container.health_log
    )
    server = container.processes()
    for process in server:
        process.send_signal(signal.SIGSTOP)
    try:
        frozen = time.monotonic()
        # interval x retries, plus the timeout of each probe and Docker's margin.
        wait_for(
            lambda: container.health() == "unhealthy",
            3 * (1 + 3) + 2,
            "unhealthy",
            container.health_log,
        )
        assert time.monotonic() - frozen <= 14
    finally:
        for process in server:
            process.send_signal(signal.SIGCONT)


def test_web_and_worker_in_one_container_reap_orphans_and_finish_a_task_at_stop(
    app_image: str, containers: list[Container], data_dir: Path
) -> None:
    """``prodserver release web worker`` as process 1: the release step
    migrates, then prodserver supervises both programs and reaps the orphans
    of the container; at ``docker stop`` the worker finishes its task."""
    options = (
        "--volume", f"{data_dir}:/data", "--env", "ENGINE_DB=/data/db.sqlite3",
        "--env", "ENGINE_DATA=/data", "--stop-timeout=20",
    )  # fmt: skip
    container, base = started(
        containers, app_image, "prodserver", "release", "web", "worker", options=options
    )
    init = container.processes()[0]
    assert "django_prodserver.launch.supervisor" in " ".join(init.cmdline())
    for _ in range(4):
        status, body = get(f"{base}/engine/orphans/?count=5")
        assert status == 200, body
    time.sleep(0.5)
    wait_for(lambda: not zombies(container), 10, "20 orphans reaped by prodserver")
    status, body = get(f"{base}/engine/enqueue/?name=stop&seconds=4")
    assert status == 200, body
    wait_for((data_dir / "stop.started").exists, 30, "the task started")
    stopping = time.monotonic()
    docker("stop", container.id, timeout=60)
    took = time.monotonic() - stopping
    assert (data_dir / "stop.done").exists(), container.logs()
    assert container.state()["ExitCode"] == 0, container.logs()
    assert took < 20, container.logs()


pytestmark = pytest.mark.engine
