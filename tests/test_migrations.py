"""The migration lock's pieces; two releases at once are in test_release.py."""

from __future__ import annotations

import pytest

from django_prodserver.before.migrations import sqlite_file


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("/srv/app/db.sqlite3", "/srv/app/db.sqlite3"),
        ("db.sqlite3", "db.sqlite3"),
        ("file:/srv/app/db.sqlite3?mode=rwc", "/srv/app/db.sqlite3"),
        ("file:///srv/app/db.sqlite3", "/srv/app/db.sqlite3"),
        ("file:db.sqlite3?cache=shared", "db.sqlite3"),
        ("file:/srv/my%20app/db.sqlite3", "/srv/my app/db.sqlite3"),
    ],
)
def test_sqlite_file_of_a_path_or_a_uri(name: str, expected: str) -> None:
    assert sqlite_file(name) == expected
