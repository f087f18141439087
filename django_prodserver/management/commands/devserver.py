"""``manage.py devserver``: django-prodserver 3.0's name for Django's development
server (deprecated: use ``runserver``, or a development entry run by
``prodserver``)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import get_commands, load_command_class

#: Django's ``runserver`` as installed (staticfiles' when that app is).
Runserver = type(load_command_class(get_commands()["runserver"], "runserver"))


class Command(Runserver):  # type: ignore[valid-type,misc]
    help = "Deprecated: Django's development server; use runserver."

    def handle(self, *args: Any, **options: Any) -> None:
        # Once, in the process that the autoreloader restarts (not in its copies).
        if os.environ.get("RUN_MAIN") != "true":
            self.stderr.write(
                "manage.py devserver is deprecated: use manage.py runserver, or a "
                "development entry run by manage.py prodserver.",
                self.style.WARNING,
            )
        super().handle(*args, **options)
