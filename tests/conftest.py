"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import EXAMPLE_DIR, example_env, free_port


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
def other_dir(tmp_path: Path) -> Path:
    """A working directory outside the project."""
    path = tmp_path / "elsewhere"
    path.mkdir()
    assert not str(path).startswith(str(EXAMPLE_DIR))
    return path


@pytest.fixture(autouse=True)
def _no_inherited_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """PORT changes what web backends bind; tests set it explicitly."""
    monkeypatch.delenv("PORT", raising=False)
