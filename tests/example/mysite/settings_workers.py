"""The example project with its workers: Celery worker and beat (and Flower,
its monitor), django-tasks, Django-Q2 (``--settings=mysite.settings_workers``)."""

from .settings import *  # noqa: F403
from .settings import PRODUCTION_PROCESSES

# Quick to start and to stop, for the tests: no cluster chatter between workers.
CELERY_QUICK = {
    "without-gossip": True,
    "without-mingle": True,
    "without-heartbeat": True,
}

PRODUCTION_PROCESSES = {
    **PRODUCTION_PROCESSES,
    "worker": {
        "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
        "APP": "mysite.celery.app",
        "ARGS": {"concurrency": 2, "loglevel": "info", **CELERY_QUICK},
    },
    "beat": {
        "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
        "APP": "mysite.celery.app",
        "ARGS": {"loglevel": "info", "max-interval": 1},
    },
    "flower": {
        "BACKEND": "django_prodserver.backends.celery.CeleryFlower",
        "APP": "mysite.celery.app",
        "ARGS": {"address": "127.0.0.1", "port": 5555},
    },
    "tasks": {
        "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
        "ARGS": {"queue": "default", "interval": 0.2, "no-startup-delay": True},
    },
    "tasks_pool": {
        "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
        "ARGS": {"processes": 2, "interval": 0.2, "no-startup-delay": True},
    },
    "q2": {
        "BACKEND": "django_prodserver.backends.django_q2.DjangoQ2Worker",
        "ARGS": {"verbosity": 1},
    },
    "q2_other": {
        "BACKEND": "django_prodserver.backends.django_q2.DjangoQ2Worker",
        "ARGS": {"name": "other"},
    },
}
