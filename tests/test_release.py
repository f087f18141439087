"""The release entry: no program, its steps are its work, and it runs first."""

from __future__ import annotations

import fcntl
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from django_prodserver.backends.release import Release
from django_prodserver.config.entry import ProcessConfig
from django_prodserver.config.environment import LaunchContext
from django_prodserver.launch.resolver import resolve
from tests.commands import json_plans, run
from tests.processes import (
    HOST,
    PostgresServer,
    case_settings_env,
    launch,
    prodserver,
    query,
    setting_of,
)

RELEASE = "django_prodserver.backends.release.Release"
GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"


def test_a_release_has_no_program_and_runs_once() -> None:
    backend = Release(ProcessConfig("release", RELEASE, before=(("migrate",),)), {})
    assert backend.oneshot
    assert resolve(backend, LaunchContext.current()) == []
    assert backend.check_config() == []


def test_a_custom_one_shot_backend_has_plans() -> None:
    processes = {"release": {"BACKEND": "mysite.backends.ReleaseScript"}}
    with override_settings(PRODUCTION_PROCESSES=processes):
        [plan] = json_plans("release")
    assert plan["oneshot"] is True
    assert isinstance(plan["argv"], list)
    assert plan["argv"][-1] == "0"


def test_one_shot_entries_come_first_in_a_dry_run() -> None:
    processes = {
        "web": {"BACKEND": GUNICORN},
        "release": {"BACKEND": RELEASE, "BEFORE": ["check"]},
        "script": {"BACKEND": "mysite.backends.ReleaseScript"},
    }
    with override_settings(PRODUCTION_PROCESSES=processes):
        names = [plan["name"] for plan in json_plans("--all")]
    assert names == ["release", "script", "web"]


def test_a_release_runs_its_steps_in_the_command_and_returns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    processes = {"release": {"BACKEND": RELEASE, "BEFORE": ["check", "check"]}}
    handler = signal.getsignal(signal.SIGTERM)
    with override_settings(PRODUCTION_PROCESSES=processes):
        out, err = run("release")
    assert err.splitlines() == ["release: manage.py check"] * 2
    printed = capsys.readouterr().out  # the steps write to sys.stdout
    assert printed.count("System check identified no issues") == 2
    assert out == ""
    assert signal.getsignal(signal.SIGTERM) is handler  # put back


# -- migrations that run once ------------------------------------------------------

MIGRATING_RELEASE = setting_of(
    {"release": {"BACKEND": RELEASE, "BEFORE": ["migrate --noinput"]}}
)
ON_POSTGRES = "from mysite.settings_postgres import DATABASES, INSTALLED_APPS\n"
APPLIED_JOBS = "Applying jobs.0001_initial... OK"
NOTHING_TO_DO = "No migrations to apply."


def sqlite_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    db = tmp_path / "fresh.sqlite3"
    env = case_settings_env(tmp_path, MIGRATING_RELEASE)
    return {**env, "EXAMPLE_DB": str(db)}, db


def postgres_env(tmp_path: Path, postgres: PostgresServer) -> dict[str, str]:
    env = case_settings_env(tmp_path, ON_POSTGRES + MIGRATING_RELEASE)
    return {**env, "EXAMPLE_PG_PORT": str(postgres.port)}


def postgres_rows(postgres: PostgresServer, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(
        host=HOST, port=postgres.port, user="postgres", dbname="postgres"
    ) as connection:
        return list(connection.execute(sql))


DUPLICATES = (
    "SELECT app, name FROM django_migrations GROUP BY app, name HAVING COUNT(*) > 1"
)
JOBS_APPLIED = "SELECT COUNT(*) FROM django_migrations WHERE app = 'jobs'"


def two_releases_at_once(tmp_path: Path, env: dict[str, str]) -> list[str]:
    """Start two release steps together; both must succeed. Their outputs."""
    with (
        launch(prodserver("release"), tmp_path, env=env) as first,
        launch(prodserver("release"), tmp_path, env=env) as second,
    ):
        statuses = [first.wait(timeout=120), second.wait(timeout=120)]
        outputs = [first.text(), second.text()]
    assert statuses == [0, 0], outputs
    for output in outputs:
        assert "release: manage.py prodserver_migrate --noinput" in output
        assert "Traceback" not in output
    # One migrated; the other waited for the lock, then had nothing to do.
    assert sorted(APPLIED_JOBS in output for output in outputs) == [False, True]
    assert sum(NOTHING_TO_DO in output for output in outputs) == 1
    return outputs


@pytest.mark.integration
def test_two_releases_at_once_migrate_sqlite_once(tmp_path: Path) -> None:
    env, db = sqlite_env(tmp_path)
    two_releases_at_once(tmp_path, env)
    assert query(db, DUPLICATES) == []
    assert query(db, JOBS_APPLIED) == [(1,)]


@pytest.mark.integration
def test_two_releases_at_once_migrate_postgresql_once(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    postgres.start()
    two_releases_at_once(tmp_path, postgres_env(tmp_path, postgres))
    assert postgres_rows(postgres, DUPLICATES) == []
    assert postgres_rows(postgres, JOBS_APPLIED) == [(1,)]


def waits_for_the_lock(tmp_path: Path, env: dict[str, str], unlock: Any) -> None:
    """A release whose lock is held waits, and migrates once ``unlock()``."""
    with launch(prodserver("release"), tmp_path, env=env) as release:
        release.wait_for_text("release: manage.py prodserver_migrate --noinput")
        time.sleep(0.5)
        assert release.proc.poll() is None, release.text()
        assert "Applying" not in release.text()
        unlock()
        assert release.wait(timeout=120) == 0, release.text()
        assert APPLIED_JOBS in release.text()


@pytest.mark.integration
def test_a_release_waits_for_the_lock_file_beside_sqlite(tmp_path: Path) -> None:
    env, db = sqlite_env(tmp_path)
    with open(f"{db}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waits_for_the_lock(tmp_path, env, lambda: fcntl.flock(lock, fcntl.LOCK_UN))
    assert query(db, JOBS_APPLIED) == [(1,)]


@pytest.mark.integration
def test_a_release_waits_for_the_postgresql_advisory_lock(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    import psycopg

    from django_prodserver.before.migrations import ADVISORY_KEY

    postgres.start()
    with psycopg.connect(
        host=HOST, port=postgres.port, user="postgres", dbname="postgres",
        autocommit=True,
    ) as holder:  # fmt: skip
        holder.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
        unlock = lambda: holder.execute(  # noqa: E731
            "SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY]
        )
        waits_for_the_lock(tmp_path, postgres_env(tmp_path, postgres), unlock)
    assert postgres_rows(postgres, JOBS_APPLIED) == [(1,)]
