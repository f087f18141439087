"""django-tasks: ``python -m django db_worker --no-reload …``, once per process.

``db_worker`` comes with the database backend of Django's tasks framework: the
``django-tasks-db`` package (app ``django_tasks_db``; on Django 6's
``django.tasks`` or the ``django_tasks`` backport >= 0.12), or, up to 0.11, the
backport itself (app ``django_tasks.backends.database``).

It runs one task at a time and has neither a processes nor a threads option, so
prodserver handles both: ``processes: N`` runs N ``db_worker`` processes, each
with its own ``--worker-id``, and ``threads: T`` multiplies that number (with a
``prodserver.W004`` warning). It reloads on code changes when ``DEBUG`` is on,
and a TERM in reload mode leaves the running task marked RUNNING for ever, so
prodserver passes ``--no-reload`` unless ARGS set ``reload``.

Signals: the first TERM, INT or QUIT lets the running task finish, then exits;
a second one ends the task.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .. import check_ids
from ..config.options import (
    ArgValue,
    join_options,
    positive_int,
    translate,
)
from ..config.registry import app_installed
from ..exceptions import ConfigurationError
from . import programs
from .management import ManagementCommandBackend, command_rules

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

#: The Django apps that provide ``db_worker``, the newest first.
DATABASE_APPS = ("django_tasks_db", "django_tasks.backends.database")
#: What ``INSTALLED_APPS`` needs for each of them.
APPS_TO_ADD = {
    "django_tasks_db": '"django_tasks_db"',
    "django_tasks.backends.database": '"django_tasks" and '
    '"django_tasks.backends.database"',
}
POOL_HINT = 'Write "processes": 2, or leave it out for one process.'
#: Worker ids longer than this are refused by ``db_worker``.
MAX_WORKER_ID = 64


def pool_sizes(args: Mapping[Any, ArgValue]) -> dict[str, int | None]:
    """``processes`` and ``threads`` from ARGS (1 when absent, None when invalid)."""
    sizes: dict[str, int | None] = {"processes": 1, "threads": 1}
    for key, value in args.items():
        if isinstance(key, str) and key in sizes:
            sizes[key] = positive_int(value)
    return sizes


class DjangoTasksWorker(ManagementCommandBackend):
    """django-tasks' ``db_worker``, run ``processes x threads`` times."""

    program = command = "db_worker"
    # db_worker answers nothing and records no heartbeat: its processes are the sign.
    probe_running = True
    extra = "django-tasks"
    own_args = frozenset({"processes", "threads"})
    option_rules = command_rules(
        flags="batch no-startup-delay",
        negatable="reload",
        values="queue-name exclude-queues interval backend max-tasks worker-id",
        comma_joined="queue-name exclude-queues",
        aliases="queue=queue-name queues=queue-name",
    )
    accepted_signals = frozenset({"SIGINT", "SIGQUIT", "SIGTERM"})

    @classmethod
    def is_installed(cls) -> bool:
        return any(programs.is_installed(app) for app in DATABASE_APPS)

    def default_args(self) -> dict[str, ArgValue]:
        return {"reload": False}

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """No limit: ``db_worker`` lets its running task finish, however long."""
        return None

    @cached_property
    def pool_sizes(self) -> dict[str, int | None]:
        """``processes`` and ``threads`` of ARGS, read once."""
        return pool_sizes(self.config.args)

    def process_count(self) -> int:
        processes, threads = self.pool_sizes["processes"], self.pool_sizes["threads"]
        if processes is None or threads is None:
            raise ConfigurationError(
                f"{self.config.label}: ARGS 'processes' and 'threads' must be whole "
                "numbers of at least 1",
                POOL_HINT,
                check_ids.BAD_OPTION_VALUE,
            )
        return processes * threads

    def commands(self, extra_args: list[str]) -> list[list[str]]:
        count = self.process_count()
        if count == 1:
            return super().commands(extra_args)
        rules = self.option_rules
        # Each process gets its own id, made from the configured one if any.
        groups = [g for g in self.option_groups() if g.name != "worker-id"]
        return [
            self.build_argv(
                join_options(
                    rules,
                    groups,
                    translate(rules, {**self.default_args(), "worker-id": worker}),
                    extra_args,
                )
            )
            for worker in map(self.worker_id, range(1, count + 1))
        ]

    def worker_id(self, number: int) -> str:
        """``NAME.N@HOST``, or ``ID.N`` when ARGS set ``worker-id: ID``."""
        configured = self.option_values().get("worker-id")
        if configured is None:
            return f"{self.name}.{number}@{socket.gethostname()}"[:MAX_WORKER_ID]
        suffix = f".{number}"
        return str(configured)[: MAX_WORKER_ID - len(suffix)] + suffix

    def check_config(self) -> list[CheckMessage]:
        return [
            *super().check_config(),
            *self.check_pool_sizes(),
            *self.check_database_app(),
        ]

    def check_pool_sizes(self) -> list[CheckMessage]:
        invalid = [name for name, size in self.pool_sizes.items() if size is None]
        if invalid:
            return [
                self.error(
                    check_ids.BAD_OPTION_VALUE,
                    f"ARGS[{name!r}] must be a whole number of at least 1",
                    POOL_HINT,
                )
                for name in invalid
            ]
        processes = self.pool_sizes["processes"] or 1
        threads = self.pool_sizes["threads"] or 1
        if threads == 1:
            return []
        return [
            self.warning(
                check_ids.THREADS_BECOME_PROCESSES,
                "db_worker runs one task at a time and has no threads; "
                f"'threads': {threads} starts {processes} x {threads} = "
                f"{processes * threads} db_worker processes",
                f'Write "processes": {processes * threads} and drop "threads".',
            )
        ]

    def check_database_app(self) -> list[CheckMessage]:
        if any(app_installed(app) for app in DATABASE_APPS):
            return []
        present = [app for app in DATABASE_APPS if programs.is_installed(app)]
        if present:
            hint = f"Add {APPS_TO_ADD[present[0]]} to INSTALLED_APPS, then migrate."
        else:
            hint = (
                f"{self.install_hint()}, add {APPS_TO_ADD[DATABASE_APPS[0]]} "
                "to INSTALLED_APPS, then migrate."
            )
        return [
            self.error(
                check_ids.APP_NOT_INSTALLED,
                "db_worker needs the django-tasks database backend in INSTALLED_APPS",
                hint,
            )
        ]
