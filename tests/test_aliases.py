"""django-prodserver 3.0's commands: ``server``, ``worker`` and ``devserver``."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    MANAGE_PY,
    WORKER_SETTINGS,
    example_env,
    launch,
    manage,
    records,
    wait_for_http,
    wait_until,
)
from tests.test_django_tasks import DONE, enqueue, task_status

DEPRECATED = "is deprecated: use manage.py prodserver"


def command(*args: str) -> list[str]:
    return [sys.executable, str(MANAGE_PY), *args]


def test_server_runs_web_servers_only() -> None:
    web = manage("server", "web", WORKER_SETTINGS, "--dry-run")
    assert web.returncode == 0, web.stderr
    assert "gunicorn" in web.stdout
    assert web.stderr.count(DEPRECATED) == 1
    worker = manage("server", "worker", WORKER_SETTINGS, "--dry-run")
    assert worker.returncode == 1
    assert "is not a server backend: run `manage.py prodserver worker`" in (
        worker.stderr
    )
    assert "Traceback" not in worker.stderr


def test_worker_runs_workers_only() -> None:
    tasks = manage("worker", "tasks", WORKER_SETTINGS, "--dry-run")
    assert tasks.returncode == 0, tasks.stderr
    assert "db_worker" in tasks.stdout
    web = manage("worker", "web", WORKER_SETTINGS, "--dry-run")
    assert web.returncode == 1
    assert "is not a worker backend: run `manage.py prodserver web`" in web.stderr


def test_without_a_name_they_run_the_first_entry_as_3_0_did() -> None:
    """prodserver itself asks for a name when several are configured."""
    server = manage("server", WORKER_SETTINGS, "--dry-run")
    assert server.returncode == 0, server.stderr
    assert "gunicorn" in server.stdout  # "web" comes first
    worker = manage("worker", WORKER_SETTINGS, "--dry-run")
    assert worker.returncode == 1  # the first entry is a web server, as in 3.0
    prodserver = manage("prodserver", WORKER_SETTINGS, "--dry-run")
    assert prodserver.returncode == 2


@pytest.mark.integration
def test_server_web_serves_and_stops(tmp_path: Path, port: int) -> None:
    argv = command("server", "web", "--", f"--bind={HOST}:{port}")
    with launch(argv, tmp_path) as server:
        status, body = wait_for_http(f"http://{HOST}:{port}/", server.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["ppid"] == server.pid  # the gunicorn master is the launch
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
        assert not server.alive()
    assert server.text().count(DEPRECATED) == 1


@pytest.mark.integration
def test_worker_tasks_runs_a_task(tmp_path: Path, example_db: Path) -> None:
    task_id = enqueue(example_db, "via-worker")
    env = example_env(EXAMPLE_DB=str(example_db))
    argv = command("worker", "tasks", WORKER_SETTINGS)
    with launch(argv, tmp_path, env=env) as worker:
        done = wait_until(lambda: task_status(example_db, task_id) in DONE, timeout=60)
        assert done, worker.text()
        [(runner, pid, finished)] = records(example_db, "via-worker")
        assert (runner, pid, finished is not None) == ("django-tasks", worker.pid, True)
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0


@pytest.mark.integration
def test_devserver_runs_the_development_server(tmp_path: Path, port: int) -> None:
    env = example_env(EXAMPLE_DB=str(tmp_path / "dev.sqlite3"))
    argv = command("devserver", f"{HOST}:{port}")
    with launch(argv, tmp_path, cwd=EXAMPLE_DIR, env=env) as server:
        status, _ = wait_for_http(f"http://{HOST}:{port}/", server.proc, timeout=60)
        assert status == 200
        server.remember_tree()
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
        assert wait_until(lambda: not server.alive(), timeout=10)
    assert server.text().count("manage.py devserver is deprecated") == 1
