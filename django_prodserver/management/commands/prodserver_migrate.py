"""``manage.py prodserver_migrate``: Django's ``migrate``, under a lock.

It takes every option of ``migrate``. Run by two processes at once (two
release steps), one migrates while the other waits for the lock, then finds
nothing to do. A ``migrate`` step of ``BEFORE`` runs as this command.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.commands import migrate

from ...before.migrations import migration_lock


class Command(migrate.Command):
    help = (
        "Apply the migrations, as migrate does, holding a lock of the database "
        "so that migrations started together run once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        def say(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        with migration_lock(options["database"], say):
            super().handle(*args, **options)
