"""The example project on PostgreSQL, with Celery beat reading its schedule from
the database (django-celery-beat's ``DatabaseScheduler``): beat waits for the
database, migrates it, then starts (``--settings=mysite.settings_postgres``).

The tests start PostgreSQL on a free port (``EXAMPLE_PG_PORT``). Where
django-celery-beat is not installed (it does not take Django 6.1 yet), beat keeps
Celery's own scheduler: the waits and steps are the same.
"""

import os
from importlib.util import find_spec

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

DATABASE_SCHEDULER = find_spec("django_celery_beat") is not None
if DATABASE_SCHEDULER:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_celery_beat"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": os.environ.get("EXAMPLE_PG_PORT", "5432"),
        "NAME": "postgres",
        "USER": "postgres",
    }
}

PRODUCTION_PROCESSES = {
    "beat": {
        "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
        "APP": "mysite.celery.app",
        "ARGS": {
            "loglevel": "info",
            "max-interval": 1,
            **(
                {"scheduler": "django_celery_beat.schedulers:DatabaseScheduler"}
                if DATABASE_SCHEDULER
                else {}
            ),
        },
        "WAIT_FOR": ["database"],
        "WAIT_TIMEOUT": float(os.environ.get("EXAMPLE_WAIT_TIMEOUT", "60")),
        "BEFORE": ["migrate --noinput"],
    },
}
