"""Settings of the example project served by the tests and by ``make demo``."""

import os
from importlib.util import find_spec
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "example-project-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_LABEL = "default"

# The database backend of django-tasks: its own package (django-tasks-db, Django
# >= 5.2, on Django 6's django.tasks or the django_tasks backport >= 0.12), or the
# one inside the backport up to 0.11 (Django 4.2 to 6.0).
if find_spec("django_tasks_db"):
    TASKS_APPS = ["django_tasks_db"]
    TASKS_BACKEND = "django_tasks_db.DatabaseBackend"
else:
    TASKS_APPS = ["django_tasks", "django_tasks.backends.database"]
    TASKS_BACKEND = "django_tasks.backends.database.DatabaseBackend"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "django_prodserver",
    "django_q",
    *TASKS_APPS,
    "jobs",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("EXAMPLE_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
USE_TZ = True

# The task queues of the example project (jobs/): their workers are in
# settings_workers.py.
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
Q_CLUSTER = {
    "name": "mysite",
    "orm": "default",
    "workers": 1,
    "timeout": 30,
    "retry": 60,
    "catch_up": False,
    # A second cluster, for `qcluster` with another name (see settings_workers).
    "ALT_CLUSTERS": {"other": {"workers": 1}},
}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BEAT_SCHEDULE = {
    "tick": {
        "task": "jobs.tasks.record",
        "schedule": 1.0,
        "args": ("tick",),
        "options": {"queue": "beat"},
    },
}

PRODUCTION_PROCESSES = {
    "web": {
        "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
        "ARGS": {"bind": "127.0.0.1:8000", "workers": 2, "timeout": 60},
    },
}
