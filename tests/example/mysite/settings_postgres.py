"""The example project on PostgreSQL, with Celery beat reading its schedule from
the database (django-celery-beat's ``DatabaseScheduler``): beat waits for the
database, migrates it, then starts (``--settings=mysite.settings_postgres``).

The tests start PostgreSQL on a free port (``EXAMPLE_PG_PORT``).
"""

import os

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

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
            "scheduler": "django_celery_beat.schedulers:DatabaseScheduler",
        },
        "WAIT_FOR": ["database"],
        "WAIT_TIMEOUT": float(os.environ.get("EXAMPLE_WAIT_TIMEOUT", "60")),
        "BEFORE": ["migrate --noinput"],
    },
}
