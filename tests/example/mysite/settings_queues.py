"""The example project with the Redis task queues: RQ (django-rq), Huey and
Dramatiq (django-dramatiq), ``--settings=mysite.settings_queues``.

Each reads its Redis from ``REDIS_URL`` (the tests start a private
``redis-server``).
"""

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS, PRODUCTION_PROCESSES, REDIS_URL

QUEUE_APPS = ["django_rq", "huey.contrib.djhuey", "django_dramatiq"]
# Before "jobs": django_dramatiq sets up the broker that the actors use.
INSTALLED_APPS = [
    *(app for app in INSTALLED_APPS if app != "jobs"),
    *QUEUE_APPS,
    "jobs",
]

RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60},
    "low": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60},
}

HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": "mysite",
    # djhuey's default is DEBUG: tasks would run in the caller, never the consumer.
    "immediate": False,
    "connection": {"url": REDIS_URL},
    "consumer": {"workers": 2, "worker_type": "thread"},
}

DRAMATIQ_BROKER = {
    "BROKER": "dramatiq.brokers.redis.RedisBroker",
    "OPTIONS": {"url": REDIS_URL},
    "MIDDLEWARE": [
        "dramatiq.middleware.AgeLimit",
        "dramatiq.middleware.TimeLimit",
        "dramatiq.middleware.Callbacks",
        "dramatiq.middleware.Retries",
        "django_dramatiq.middleware.DbConnectionsMiddleware",
    ],
}
# The actors live in jobs/dramatiq_tasks.py (jobs/tasks.py holds Celery's).
DRAMATIQ_AUTODISCOVER_MODULES = ["dramatiq_tasks"]

PRODUCTION_PROCESSES = {
    **PRODUCTION_PROCESSES,
    "rq": {
        "BACKEND": "django_prodserver.backends.rq.RQWorker",
        "ARGS": {"queues": ["default", "low"]},
    },
    "huey": {
        "BACKEND": "django_prodserver.backends.huey.HueyConsumer",
    },
    "dramatiq": {
        "BACKEND": "django_prodserver.backends.dramatiq.DramatiqWorker",
        "ARGS": {"processes": 1, "threads": 2, "queues": ["default", "low"]},
    },
}
