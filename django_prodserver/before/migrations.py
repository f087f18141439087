"""Migrations that run once: a lock around ``migrate``, and what is left to apply.

Two release steps started together (two deploys, a retried Job) both run
``migrate``. Under :func:`migration_lock` one migrates while the other waits,
then finds nothing to do. The lock is the database's own where it has one:

- PostgreSQL: a session advisory lock (``pg_advisory_lock``), on the
  connection ``migrate`` uses; the server drops it if the process dies;
- MySQL and MariaDB: a named lock (``GET_LOCK``), likewise;
- SQLite: an exclusive ``flock`` on a file beside the database file
  (``db.sqlite3.migrate-lock``), which every process of that machine, the
  only one that can write the file, sees; an in-memory database needs none;
- any other database: no lock (a line says so).

Django's database connection is used: no package of the program is imported.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .protocols import NotUp

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

#: The key of the PostgreSQL advisory lock (a bigint: "prodmigr" in ASCII).
ADVISORY_KEY = int.from_bytes(b"prodmigr", "big")
#: The name of the MySQL lock.
MYSQL_LOCK = "django_prodserver.migrate"
#: What is added to an SQLite database's file name to name its lock file.
LOCK_SUFFIX = ".migrate-lock"


@contextmanager
def migration_lock(alias: str, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the migration lock of the database ``alias`` inside the block."""
    from django.db import connections

    connection = connections[alias]
    vendor = connection.vendor
    if vendor in SESSION_LOCKS:
        lock = session_lock(connection)
    elif vendor == "sqlite":
        lock = sqlite_lock(connection)
    else:
        say(f"migrate: no lock for a {vendor} database; migrations are not guarded")
        lock = no_lock()
    with lock:
        yield


@contextmanager
def no_lock() -> Iterator[None]:
    yield


#: The statements that take and release a lock of the database session, per
#: vendor, and their parameter.
SESSION_LOCKS: dict[str, tuple[str, str, int | str]] = {
    # Session level, outside any transaction: migrate's own transactions
    # neither take it nor end it.
    "postgresql": (
        "SELECT pg_advisory_lock(%s)",
        "SELECT pg_advisory_unlock(%s)",
        ADVISORY_KEY,
    ),
    "mysql": ("SELECT GET_LOCK(%s, -1)", "SELECT RELEASE_LOCK(%s)", MYSQL_LOCK),
}


@contextmanager
def session_lock(connection: BaseDatabaseWrapper) -> Iterator[None]:
    take, release, key = SESSION_LOCKS[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(take, [key])
    try:
        yield
    finally:
        if connection.connection is not None:  # a closed session held nothing
            with connection.cursor() as cursor:
                cursor.execute(release, [key])


@contextmanager
def sqlite_lock(connection: BaseDatabaseWrapper) -> Iterator[None]:
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield  # private to this process: nothing else can migrate it
        return
    path = sqlite_file(str(connection.settings_dict["NAME"]))
    with open(f"{path}{LOCK_SUFFIX}", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


def sqlite_file(name: str) -> str:
    """The file of an SQLite database ``NAME``: a path, or a ``file:`` URI
    (``"file:/srv/db.sqlite3?mode=rwc"`` with ``OPTIONS: {"uri": True}``),
    whose query is not part of the file's name."""
    if not name.startswith("file:"):
        return name
    return unquote(urlsplit(name).path)


def unapplied(alias: str) -> int:
    """How many migrations ``migrate`` would apply to the database ``alias``
    (what ``migrate --check`` tells); the connection is closed afterwards."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[alias]
    try:
        executor = MigrationExecutor(connection)
        leaves = executor.loader.graph.leaf_nodes()
        return len(executor.migration_plan(leaves))
    finally:
        connection.close()


def migrations_ready(alias: str) -> None:
    """Return when the database ``alias`` has no migration left to apply;
    raise :class:`NotUp` while it has (or cannot be asked)."""
    from django.db import Error

    try:
        count = unapplied(alias)
    except Error as exc:
        raise NotUp(" ".join(str(exc).split()) or type(exc).__name__) from exc
    if count:
        raise NotUp(f"{count} migration{'s' * (count != 1)} not applied")
