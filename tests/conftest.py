"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from django_prodserver.config import environment
from tests import profiles
from tests.processes import (
    EXAMPLE_DIR,
    PostgresServer,
    example_env,
    free_port,
    missing,
    postgres_bindir,
    redis_server,
    redis_server_program,
)
from tests.smoke import SMOKE_IDS

profiles.load()


def pytest_configure(config: pytest.Config) -> None:
    """Give this test process (each xdist worker too) a home directory and a
    runtime directory of its own, so that what the programs keep there
    (gunicorn's control socket, for one) is never shared with another test
    run, nor left in the real home."""
    home = Path(tempfile.mkdtemp(prefix="prodserver-test-home-"))
    (home / "run").mkdir(mode=0o700)
    config.stash[_HOME] = home
    os.environ["HOME"] = str(home)
    os.environ["XDG_RUNTIME_DIR"] = str(home / "run")


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


_HOME = pytest.StashKey[Path]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the real-program smoke set (tests/smoke.py)."""
    for item in items:
        if item.nodeid in SMOKE_IDS:
            item.add_marker(pytest.mark.smoke)


#: The container-engine stage runs on its own (`make engine`), with an engine
#: that tests/engine/run.sh starts; the other runs never collect it.
collect_ignore = [] if os.environ.get("PRODSERVER_ENGINE") == "1" else ["engine"]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def example_db(tmp_path: Path) -> Path:
    """A migrated SQLite database of the example project, private to the test."""
    from tests.processes import manage

    db = tmp_path / "example.sqlite3"
    result = manage("migrate", "--noinput", env=example_env(EXAMPLE_DB=str(db)))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private redis-server for the test (the Celery broker and result backend)."""
    if redis_server_program() is None:
        missing("redis-server is not installed (apt-get install redis-server)")
    directory = tmp_path / "redis"
    directory.mkdir()
    with redis_server(directory) as url:
        yield url


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[Any]:
    """A client of the test's redis-server, to see what a program put there."""
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def celery_client(redis_url: str) -> Iterator[Any]:
    """A Celery app in the test process that sends tasks through the broker."""
    from celery import Celery

    app = Celery("tests", broker=redis_url, backend=redis_url)
    yield app
    app.close()


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    """A private PostgreSQL cluster, created but not started: the test starts it
    (``postgres.start()``) when it wants the database to come up."""
    bindir = postgres_bindir()
    if bindir is None:
        missing("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer(bindir)
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def other_dir(tmp_path: Path) -> Path:
    """A working directory outside the project."""
    path = tmp_path / "elsewhere"
    path.mkdir()
    assert not str(path).startswith(str(EXAMPLE_DIR))
    return path


@pytest.fixture(autouse=True, scope="session")
def _database_features_known(django_db_blocker: Any) -> None:
    """Django's model checks ask the database whether it supports JSONField
    (a query, whose answer the connection keeps): ask once, here, so that a
    test that runs ``check`` needs no database of its own, whichever test ran
    before it (on Django 6 with django-tasks-db, the first one would)."""
    from django.db import connection

    with django_db_blocker.unblock():
        assert isinstance(connection.features.supports_json_field, bool)


@pytest.fixture(autouse=True)
def _launcher_environ_is_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command run in the test process (``call_command``) takes the test's
    ``os.environ`` as the environment it was started with, so that tests set it
    with ``monkeypatch`` (a launched command reads its real start environment:
    tests/test_environment.py)."""
    monkeypatch.setattr(environment, "original_environ", lambda: dict(os.environ))


@pytest.fixture(autouse=True)
def _no_inherited_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """PORT changes what web backends bind; tests set it explicitly."""
    monkeypatch.delenv("PORT", raising=False)
