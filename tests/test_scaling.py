"""The "Scaling out" page's workers, as it shows them: two launches of one
worker entry on one Redis, both taking tasks from the one queue."""

from __future__ import annotations

import functools
import json
import re
import signal
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.processes import (
    HOST,
    case_settings_env,
    example_env,
    free_port,
    launch,
    manage,
    prodserver,
    records,
    setting_of,
    wait_for_http,
    wait_until,
)
from tests.test_docs import ROOT, SETTINGS_BLOCKS, write_settings

PAGE = ROOT / "docs" / "deployment" / "scaling.md"


def documented_workers() -> str:
    """The page's settings block of the workers."""
    (code,) = [
        code
        for where, code in SETTINGS_BLOCKS
        if where.startswith("docs/deployment/scaling.md")
        and "CeleryWorker" in code
        and "REPLICAS" not in code  # the workers alone, not the copies' block
    ]
    return code


def documented_launches() -> list[list[str]]:
    """The page's two launches on one machine (the words after ``worker``)."""
    text = PAGE.read_text()
    found = re.findall(r"^\$ python manage.py prodserver worker (-- .*)$", text, re.M)
    assert len(found) == 2, found
    return [line.split() for line in found]


def answers_probe(args: list[str], env: dict[str, str]) -> bool:
    return manage("prodserver", "worker", "--probe", *args, env=env).returncode == 0


def workers_on_redis(
    tmp_path: Path, example_db: Path, redis_url: str
) -> tuple[list[str], dict[str, str]]:
    """The page's workers: their ``--settings``/``--pythonpath`` options, and
    the environment that points them at the test's database and Redis."""
    module = write_settings(tmp_path / "settings", documented_workers())
    settings = [f"--settings={module}", f"--pythonpath={tmp_path / 'settings'}"]
    # Celery takes the broker from CELERY_BROKER_URL before the settings': the
    # page's broker, moved to the test's Redis.
    env = example_env(
        EXAMPLE_DB=str(example_db), REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url
    )
    return settings, env


def task_runners(celery_client: Any, example_db: Path, label: str) -> set[int]:
    """Send eight tasks, wait for each; the PIDs of the processes that ran them."""
    results = [
        celery_client.send_task("jobs.tasks.record", args=[f"{label}-{i}", 1])
        for i in range(8)
    ]
    for result in results:
        assert isinstance(result.get(timeout=120), int)
    return {
        pid
        for i in range(8)
        for (_, pid, finished) in records(example_db, f"{label}-{i}")
        if finished is not None
    }


@pytest.mark.integration
def test_two_worker_launches_share_one_queue(
    tmp_path: Path, example_db: Path, redis_url: str, celery_client: Any
) -> None:
    settings, env = workers_on_redis(tmp_path, example_db, redis_url)
    one, two = documented_launches()
    with (
        launch(prodserver("worker", *settings, *one), tmp_path, env=env) as first,
        launch(prodserver("worker", *settings, *two), tmp_path, env=env) as second,
    ):
        for launched, words in ((first, one), (second, two)):
            # Ready when it answers its probe: a ping through the broker.
            assert wait_until(
                functools.partial(answers_probe, [*settings, *words], env),
                timeout=90,
                interval=1,
            ), launched.text()
        runners = task_runners(celery_client, example_db, "shared")
        assert len(runners) > 1
        by_first = runners & (first.remember_tree() - {first.pid})
        by_second = runners & (second.remember_tree() - {second.pid})
        assert by_first, first.text()
        assert by_second, second.text()
        for worker in (first, second):
            worker.signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0
        assert second.wait(timeout=60) == 0
    assert wait_until(lambda: not first.alive() and not second.alive(), timeout=10)
    assert "one@" in first.text()
    assert "two@" in second.text()


# -- copies of one entry: --scale NAME=N -------------------------------------------

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
BEAT = "django_prodserver.backends.celery.CeleryBeat"
RELEASE = "django_prodserver.backends.release.Release"


def consecutive_free_ports(count: int) -> int:
    """The first of ``count`` ports in a row that are free (bounded tries)."""
    for _ in range(50):
        first = free_port()
        if all(port_is_free(first + offset) for offset in range(1, count)):
            return first
    raise AssertionError(f"no {count} free ports in a row")


def port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


@pytest.mark.integration
def test_three_gunicorn_copies_answer_on_three_ports_and_stop_with_one_term(
    tmp_path: Path,
) -> None:
    first = consecutive_free_ports(3)
    web = {"BACKEND": GUNICORN, "ARGS": {"bind": f"{HOST}:{first}", "workers": 1}}
    env = case_settings_env(tmp_path, setting_of({"web": web}))
    with launch(prodserver("web", "--scale", "web=3"), tmp_path, env=env) as run:
        for offset in range(3):
            url = f"http://{HOST}:{first + offset}/"
            status, body = wait_for_http(url, run.proc, timeout=60)
            assert status == 200, body
        assert set(run.started()) == {"web.1", "web.2", "web.3"}, run.text()
        for name in ("web.1", "web.2", "web.3"):
            assert re.search(rf"^{re.escape(name)} +\| ", run.text(), re.M)
        run.signal(signal.SIGTERM)
        assert run.wait(timeout=60) == 0, run.text()
        assert wait_until(lambda: not run.alive(), timeout=10), run.alive()


def copy_answers_probe(settings: list[str], env: dict[str, str], copy: int) -> bool:
    own = {**env, "PRODSERVER_COPY": str(copy)}
    return manage("prodserver", "worker", "--probe", *settings, env=own).returncode == 0


@pytest.mark.integration
def test_two_celery_worker_copies_have_their_own_names_and_both_take_tasks(
    tmp_path: Path, example_db: Path, redis_url: str, celery_client: Any
) -> None:
    settings, env = workers_on_redis(tmp_path, example_db, redis_url)
    argv = prodserver("worker", "--scale", "worker=2", *settings)
    with launch(argv, tmp_path, env=env) as run:
        for copy in (1, 2):  # each answers a ping to its own node name
            ready = functools.partial(copy_answers_probe, settings, env, copy)
            assert wait_until(ready, timeout=90, interval=1), run.text()
        runners = task_runners(celery_client, example_db, "copy")
        started = run.started()
        assert set(started) == {"worker.1", "worker.2"}, run.text()
        for name, pid in started.items():
            tree = {p.pid for p in psutil.Process(pid).children(recursive=True)}
            assert runners & tree, f"{name} ran no task:\n{run.text()}"
        run.signal(signal.SIGTERM)
        assert run.wait(timeout=60) == 0, run.text()
        assert wait_until(lambda: not run.alive(), timeout=10), run.alive()
    assert "worker.1@" in run.text()
    assert "worker.2@" in run.text()


@pytest.mark.parametrize(
    ("entry", "name"),
    [
        ({"BACKEND": BEAT, "APP": "mysite.celery.app"}, "beat"),
        ({"BACKEND": RELEASE, "BEFORE": ["migrate --noinput"]}, "release"),
    ],
)
@pytest.mark.parametrize("action", ["--dry-run", "--list", "--export=systemd", ""])
def test_a_process_that_runs_once_refuses_copies(
    tmp_path: Path, entry: dict[str, Any], name: str, action: str
) -> None:
    env = case_settings_env(tmp_path, setting_of({name: entry}))
    args = [name, "--scale", f"{name}=2", *([action] if action else [])]
    if action in {"--list", "--export=systemd"}:
        args = args[1:]
    result = manage("prodserver", *args, env=env)
    assert result.returncode == 2, result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert "prodserver.E029" in line
    assert f"--scale {name}=2" in line
    assert "Traceback" not in result.stderr


def test_beat_with_two_replicas_fails_manage_py_check(tmp_path: Path) -> None:
    beat = {"BACKEND": BEAT, "APP": "mysite.celery.app", "REPLICAS": 2}
    result = manage("check", env=case_settings_env(tmp_path, setting_of({"b": beat})))
    assert result.returncode != 0
    assert "prodserver.E029" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("web=0", "argument --scale: expected NAME=N"),
        ("web", "argument --scale: expected NAME=N"),
        ("=3", "argument --scale: expected NAME=N"),
        ("web=two", "argument --scale: expected NAME=N"),
        ("other=2", "'other' is not one of the processes being started (web)"),
    ],
)
def test_a_bad_scale_is_a_usage_error(
    tmp_path: Path, value: str, expected: str
) -> None:
    web = {"BACKEND": GUNICORN}
    env = case_settings_env(tmp_path, setting_of({"web": web}))
    result = manage("prodserver", "web", "--dry-run", f"--scale={value}", env=env)
    assert result.returncode == 2
    assert expected in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_dry_run_and_list_show_every_copy(tmp_path: Path) -> None:
    web = {"BACKEND": GUNICORN, "ARGS": {"bind": f"{HOST}:8000"}, "REPLICAS": 2}
    env = case_settings_env(tmp_path, setting_of({"web": web}))
    # --scale wins over REPLICAS
    shell = manage("prodserver", "web", "--dry-run", "--scale=web=3", env=env)
    assert shell.returncode == 0, shell.stderr
    lines = shell.stdout.splitlines()
    assert [f"--bind={HOST}:{8000 + i}" in line for i, line in enumerate(lines)] == [
        True
    ] * 3
    as_json = manage("prodserver", "web", "--dry-run", "--format=json", env=env)
    objects = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [o["name"] for o in objects] == ["web.1", "web.2"]
    assert [o["env"]["PRODSERVER_COPY"] for o in objects] == ["1", "2"]
    listing = manage("prodserver", "--list", env=env).stdout
    assert "(2 processes)" in listing
    assert f"--bind={HOST}:8001" in listing
