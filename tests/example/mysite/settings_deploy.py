"""The example project as a deployment runs it (``--export`` only: nothing here
connects): a release step, the web server on every interface, Celery worker
and beat and a django-tasks worker, on PostgreSQL and Redis of this machine."""

from .settings import *  # noqa: F403
from .settings_workers import CELERY_QUICK

ALLOWED_HOSTS = ["www.example.com", "127.0.0.1"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "mysite",
        "HOST": "localhost",
    }
}
CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"

PRODUCTION_PROCESSES = {
    "release": {
        "BACKEND": "django_prodserver.backends.release.Release",
        "BEFORE": ["migrate --noinput"],
    },
    "web": {
        "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
        "ARGS": {"bind": "0.0.0.0:8000", "workers": 2},
    },
    "worker": {
        "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
        "APP": "mysite.celery.app",
        "ARGS": {"concurrency": 2, **CELERY_QUICK},
    },
    "beat": {
        "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
        "APP": "mysite.celery.app",
    },
    "tasks": {"BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker"},
}
