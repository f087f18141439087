"""What runs before the programs: waits, steps and release entries, with real
processes (gunicorn, Celery, redis-server, PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from django.core.management import CommandError
from django.test import override_settings

from django_prodserver.launch import lifecycle
from django_prodserver.launch.plan import Plan
from tests.commands import run
from tests.processes import (
    HOST,
    PostgresServer,
    example_env,
    free_port,
    launch,
    manage,
    missing,
    prodserver,
    records,
    redis_server,
    redis_server_program,
    wait_for_http,
    wait_until,
)

LIFECYCLE = "--settings=mysite.settings_lifecycle"
GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
RELEASE = "django_prodserver.backends.release.Release"


def bind(port: int) -> list[str]:
    return ["--", f"--bind={HOST}:{port}"]


def nothing_listens(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


def case_env(tmp_path: Path, setting: str, **extra: str) -> dict[str, str]:
    """An environment whose settings are the example project's, then ``setting``
    (Python source written to ``tmp_path``)."""
    source = "from mysite.settings import *  # noqa: F403\n\n"
    (tmp_path / "case_settings.py").write_text(source + textwrap.dedent(setting))
    return example_env(
        DJANGO_SETTINGS_MODULE="case_settings", PYTHONPATH=str(tmp_path), **extra
    )


# -- BEFORE ----------------------------------------------------------------------


@pytest.mark.integration
def test_before_migrates_a_fresh_database_then_the_server_keeps_the_pid(
    tmp_path: Path, port: int
) -> None:
    db = tmp_path / "fresh.sqlite3"  # no migration has run on it
    static = tmp_path / "static"
    env = example_env(EXAMPLE_DB=str(db), EXAMPLE_STATIC_ROOT=str(static))
    with launch(prodserver("web", LIFECYCLE, *bind(port)), tmp_path, env=env) as web:
        status, body = wait_for_http(f"http://{HOST}:{port}/database/", web.proc)
        assert status == 200, body
        assert isinstance(body, dict)
        assert body["records"] == 1  # the second step's
        assert body["ppid"] == web.pid  # gunicorn's master is the launched process
        master = psutil.Process(web.pid)
        assert master.name() == "gunicorn"
        assert str(db) not in [f.path for f in master.open_files()]
        output = web.text()
        web.signal(signal.SIGTERM)
        assert web.wait() == 0, web.text()
    assert (static / "jobs" / "site.css").is_file()
    assert "web: manage.py prodserver_migrate --noinput" in output
    assert "Applying jobs.0001_initial... OK" in output
    # The steps ran in the launcher itself: no second Python.
    [(runner, pid, finished)] = records(db, "web-step")
    assert (runner, pid) == ("step", web.pid)
    assert finished is not None


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What happens at the end of a launch in this process: Django's connections
    closed, then ``os.execvpe`` (which fails here); the signal dispositions that
    exec resets are put back afterwards."""
    from django.db import connections

    happened: list[str] = []
    close_all = connections.close_all

    def closing() -> None:
        happened.append("connections closed")
        close_all()

    def execvpe(*args: object) -> None:
        happened.append("exec")
        raise OSError("not really")

    monkeypatch.setattr(connections, "close_all", closing)
    monkeypatch.setattr(os, "execvpe", execvpe)
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGPIPE, signal.SIGXFSZ)}
    yield happened
    for sig, handler in kept.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_steps_run_here_and_their_connections_close_before_exec(
    events: list[str],
) -> None:
    from jobs.models import Record

    processes = {
        "web": {"BACKEND": "mysite.backends.StatusProbe", "BEFORE": ["note here"]}
    }
    with (
        override_settings(PRODUCTION_PROCESSES=processes),
        pytest.raises(CommandError, match="cannot start cat: not really"),
    ):
        run("web")
    assert events == ["connections closed", "exec"]
    [row] = Record.objects.filter(key="here")
    assert row.pid == os.getpid()  # the step ran in the launcher


@pytest.mark.integration
def test_a_failing_step_stops_the_launch_before_the_program(
    example_db: Path, port: int
) -> None:
    result = manage(
        "prodserver", "web_failing", LIFECYCLE, *bind(port),
        env=example_env(EXAMPLE_DB=str(example_db)),
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    [line] = [line for line in result.stderr.splitlines() if "failed" in line]
    assert line == (
        "CommandError: PRODUCTION_PROCESSES['web_failing']: BEFORE step "
        "'migrate nosuchapp' failed: No installed app with label 'nosuchapp'."
    )
    assert "noted first" in result.stdout  # the step before it ran
    assert nothing_listens(port)


# -- WAIT_FOR ----------------------------------------------------------------------


@pytest.mark.integration
def test_the_worker_waits_for_its_broker_then_runs_a_task(
    tmp_path: Path, example_db: Path
) -> None:
    if redis_server_program() is None:
        missing("redis-server is not installed (apt-get install redis-server)")
    from celery import Celery

    redis_port = free_port()
    url = f"redis://{HOST}:{redis_port}/0"
    env = example_env(EXAMPLE_DB=str(example_db), REDIS_URL=url)
    with launch(prodserver("worker", LIFECYCLE), tmp_path, env=env) as worker:
        text = worker.wait_for_text("waiting for the broker", count=2)
        assert f"worker: waiting for the broker at {HOST}:{redis_port}" in text
        assert "Connection refused" in text
        # Still prodserver, not yet Celery.
        assert "prodserver" in psutil.Process(worker.pid).cmdline()
        (tmp_path / "redis").mkdir()
        with redis_server(tmp_path / "redis", port=redis_port):
            worker.wait_for_text(f"the broker at {HOST}:{redis_port} is up")
            client = Celery("tests", broker=url, backend=url)
            try:
                row_id = client.send_task("jobs.tasks.record", args=["late"]).get(
                    timeout=60
                )
            finally:
                client.close()
            assert isinstance(row_id, int)
            assert "celery" in " ".join(psutil.Process(worker.pid).cmdline())
            worker.signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0, worker.text()
    [(runner, _, finished)] = records(example_db, "late")
    assert runner == "celery"
    assert finished is not None


@pytest.mark.integration
def test_beat_with_a_database_schedule_starts_once_postgresql_is_up(
    tmp_path: Path, postgres: PostgresServer, redis_url: str, redis_client: Any
) -> None:
    pytest.importorskip(
        "django_celery_beat", reason="django-celery-beat does not take Django 6.1 yet"
    )
    env = example_env(EXAMPLE_PG_PORT=str(postgres.port), REDIS_URL=redis_url)
    argv = prodserver("beat", "--settings=mysite.settings_postgres")
    with launch(argv, tmp_path, env=env) as beat:
        beat.wait_for_text("beat: waiting for the database 'default'")
        assert redis_client.llen("beat") == 0
        postgres.start()
        beat.wait_for_text("Applying django_celery_beat.0001_initial... OK")
        scheduled = wait_until(lambda: redis_client.llen("beat") >= 1, timeout=90)
        assert scheduled, beat.text()
        assert "DatabaseScheduler" in beat.text()
        beat.signal(signal.SIGTERM)
        assert beat.wait(timeout=60) == 0, beat.text()
    message = json.loads(redis_client.lindex("beat", 0) or b"{}")
    assert message["headers"]["task"] == "jobs.tasks.record"


@pytest.mark.integration
def test_wait_timeout_ends_the_launch_naming_host_and_port(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = example_env(EXAMPLE_PG_PORT=str(port), EXAMPLE_WAIT_TIMEOUT="2")
    result = manage(
        "prodserver", "beat", "--settings=mysite.settings_postgres", env=env, timeout=30
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"beat: waiting for the database 'default' at {HOST}:{port}" in result.stderr
    assert (
        f"CommandError: PRODUCTION_PROCESSES['beat']: the database 'default' at "
        f"{HOST}:{port} did not answer within 2 s (WAIT_TIMEOUT): Connection refused"
    ) in result.stderr


@pytest.mark.integration
def test_sigterm_while_waiting_stops_before_the_program(tmp_path: Path) -> None:
    env = example_env(EXAMPLE_WAIT_PORT=str(free_port()))
    with launch(prodserver("impatient", LIFECYCLE), tmp_path, env=env) as waiting:
        waiting.wait_for_text("impatient: waiting for")
        waiting.signal(signal.SIGTERM)
        assert waiting.wait() == 128 + signal.SIGTERM
    assert "impatient: stopped by SIGTERM before the programs started" in waiting.text()
    assert "Traceback" not in waiting.text()


# -- release entries --------------------------------------------------------------

RELEASE_THEN_WEB = """
PRODUCTION_PROCESSES = {{
    "web": {{
        "BACKEND": "{gunicorn}",
        "ARGS": {{"bind": "{host}:{port}", "workers": 1}},
    }},
    "release": {{
        "BACKEND": "{release}",
        "BEFORE": ["migrate --noinput", "note release --seconds=1"],
    }},
}}
"""


@pytest.mark.integration
def test_all_runs_the_release_to_completion_before_the_web_server(
    tmp_path: Path, port: int
) -> None:
    db = tmp_path / "fresh.sqlite3"
    setting = RELEASE_THEN_WEB.format(
        gunicorn=GUNICORN, release=RELEASE, host=HOST, port=port
    )
    env = case_env(tmp_path, setting, EXAMPLE_DB=str(db))
    with launch(prodserver("--all"), tmp_path, env=env) as launched:
        status, body = wait_for_http(f"http://{HOST}:{port}/database/", launched.proc)
        assert status == 200, body
        assert isinstance(body, dict)
        # One program left after the release: exec'd, it kept the PID.
        assert body["ppid"] == launched.pid
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()
    [(runner, pid, finished)] = records(db, "release")
    assert (runner, pid) == ("step", launched.pid)
    assert finished is not None
    # The server was exec'd in the same process, after the release finished.
    output = launched.text()
    assert output.index("noted release") < output.index("Listening at")


FAILING_RELEASE = """
import sys

PRODUCTION_PROCESSES = {{
    "release": {{
        "BACKEND": "mysite.backends.ReleaseScript",
        "ARGS": {{"exit": {status}}},
    }},
    "web": {{"BACKEND": "{gunicorn}", "ARGS": {{"bind": "{host}:{port}"}}}},
}}
"""


@pytest.mark.integration
@pytest.mark.parametrize("status", [3, 1])
def test_a_failing_release_stops_the_launch_with_its_status(
    tmp_path: Path, port: int, status: int
) -> None:
    setting = FAILING_RELEASE.format(
        status=status, gunicorn=GUNICORN, host=HOST, port=port
    )
    result = manage("prodserver", "--all", env=case_env(tmp_path, setting))
    assert result.returncode == status, result.stderr
    assert "release script ran" in result.stdout
    assert (
        f"release exited with status {status}: the other processes were not started"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert nothing_listens(port)


@pytest.mark.integration
def test_sigterm_during_a_release_reaches_it_and_nothing_else_starts(
    tmp_path: Path, port: int
) -> None:
    setting = FAILING_RELEASE.format(
        status=0, gunicorn=GUNICORN, host=HOST, port=port
    ).replace('"exit": 0', '"exit": 0, "sleep": 60')
    env = case_env(tmp_path, setting)
    with launch(prodserver("--all"), tmp_path, env=env) as launched:
        launched.wait_for_text("release script ran")
        [script] = launched.children()
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 128 + signal.SIGTERM
        assert not script.is_running()
    output = launched.text()
    assert "release script stopped" in output
    assert "stopped by SIGTERM before the programs started" in output
    assert nothing_listens(port)


def test_a_release_entry_alone_runs_its_steps_and_exits(tmp_path: Path) -> None:
    db = tmp_path / "fresh.sqlite3"
    setting = f"""
    PRODUCTION_PROCESSES = {{
        "release": {{"BACKEND": "{RELEASE}", "BEFORE": ["migrate", "note once"]}},
    }}
    """
    result = manage("prodserver", env=case_env(tmp_path, setting, EXAMPLE_DB=str(db)))
    assert result.returncode == 0, result.stderr
    assert "release: manage.py note once" in result.stderr
    [(runner, _, _)] = records(db, "once")
    assert runner == "step"


# -- what --dry-run and --list show -------------------------------------------------

PROCESSES = {
    "web": {
        "BACKEND": GUNICORN,
        "WAIT_FOR": ["tcp://db:5432", "redis://cache:6379/1"],
        "WAIT_TIMEOUT": 30,
        "BEFORE": ["collectstatic --noinput", ["migrate", "--noinput"]],
    },
    "release": {"BACKEND": RELEASE, "BEFORE": ["migrate --noinput"]},
}


def test_dry_run_shows_the_release_first_and_the_steps_as_comments() -> None:
    with override_settings(PRODUCTION_PROCESSES=PROCESSES):
        out, _ = run("--all", "--dry-run")
    lines = out.splitlines()
    assert lines[:5] == [
        "# release: runs once, to completion, before the others start",
        "# release: then runs manage.py prodserver_migrate --noinput",
        "# web: waits up to 30 s for tcp://db:5432, redis://cache:6379/1",
        "# web: then runs manage.py collectstatic --noinput",
        "# web: then runs manage.py prodserver_migrate --noinput",
    ]
    assert "gunicorn" in lines[5]
    assert len(lines) == 6


def test_dry_run_json_adds_the_lifecycle_keys() -> None:
    with override_settings(PRODUCTION_PROCESSES=PROCESSES):
        out, _ = run("--all", "--dry-run", "--format=json")
    release, web = (json.loads(line) for line in out.splitlines())
    assert release == {
        "name": "release",
        "backend": RELEASE,
        "argv": [],
        "env": {},
        "cwd": release["cwd"],
        "oneshot": True,
        "before": [["prodserver_migrate", "--noinput"]],  # what runs
    }
    assert web["wait_for"] == ["tcp://db:5432", "redis://cache:6379/1"]
    assert web["wait_timeout"] == 30
    assert web["before"] == [
        ["collectstatic", "--noinput"],
        ["prodserver_migrate", "--noinput"],
    ]
    assert "oneshot" not in web


def test_list_shows_what_runs_first() -> None:
    with override_settings(PRODUCTION_PROCESSES=PROCESSES):
        out, _ = run("--list")
    lines = out.splitlines()
    assert lines[0].split() == ["release", RELEASE]  # in launch order
    assert lines[1:3] == [
        "         runs once, to completion, before the others start",
        "         then runs manage.py prodserver_migrate --noinput",
    ]
    assert lines[3].split() == ["web", GUNICORN]
    assert lines[4].strip() == (
        "waits up to 30 s for tcp://db:5432, redis://cache:6379/1"
    )
    assert lines[7].strip().split()[0].endswith("gunicorn")


def test_a_launch_without_these_keys_loads_none_of_their_code() -> None:
    code = """
import sys
from django_prodserver.command.output import Console
from django_prodserver.command.request import Request
from django_prodserver.command.selection import select
select(Request(names=["web"]), Console(print, print))
print(sorted(m for m in sys.modules if m.startswith("django_prodserver")))
"""
    result = manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout
    assert "django_prodserver.command.selection" in loaded
    for module in (
        "launch.lifecycle",
        "before.checks",
        "before.steps",
        "before.targets",
        "before.waiting",
    ):
        assert f"'django_prodserver.{module}'" not in loaded


def test_a_stop_while_the_release_starts_still_reaches_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM that comes while the one-shot program is being started (inside
    Popen) is held until the launcher knows the child, which then gets it."""
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen_then_stop(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        child = real_popen(*args, **kwargs)
        started.append(child)
        os.kill(os.getpid(), signal.SIGTERM)  # arrives before Popen returns
        return child

    monkeypatch.setattr(lifecycle.subprocess, "Popen", popen_then_stop)
    plan = Plan("release", "x.Release", [sys.executable, "-c", SLEEPER], {}, "")
    try:
        with pytest.raises(lifecycle.Stopped), lifecycle.stop_requests():
            lifecycle.run_once(plan, lambda line: None)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, lifecycle.STOP_SIGNALS)
        for child in started:
            child.kill()
            child.wait(timeout=10)
    [child] = started
    assert child.returncode == -signal.SIGTERM


#: A program that sleeps until it is stopped.
SLEEPER = "import time; time.sleep(60)"
