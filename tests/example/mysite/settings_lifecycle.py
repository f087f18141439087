"""The example project with what runs before its processes start: ``BEFORE``
steps, ``WAIT_FOR`` and release entries (``--settings=mysite.settings_lifecycle``).

The tests move the web servers to free ports with arguments after ``--``, and
point the broker and the awaited port at their own servers.
"""

import os

from .settings import *  # noqa: F403
from .settings_workers import CELERY_QUICK

BACKENDS = "django_prodserver.backends"
GUNICORN = {
    "BACKEND": f"{BACKENDS}.gunicorn.GunicornServer",
    "ARGS": {"bind": "127.0.0.1:8000", "workers": 1},
}

PRODUCTION_PROCESSES = {
    # As a project's start script would: static files, a fresh database
    # migrated, then the server.
    "web": {
        **GUNICORN,
        "BEFORE": ["collectstatic --noinput", "migrate --noinput", "note web-step"],
    },
    # Its second step fails: the server never starts.
    "web_failing": {**GUNICORN, "BEFORE": ["note first", "migrate nosuchapp"]},
    # The Celery worker waits for its broker (REDIS_URL).
    "worker": {
        "BACKEND": f"{BACKENDS}.celery.CeleryWorker",
        "APP": "mysite.celery.app",
        "ARGS": {"concurrency": 1, "loglevel": "info", **CELERY_QUICK},
        "WAIT_FOR": ["broker"],
    },
    # Nothing listens there: it gives up after 2 seconds.
    "impatient": {
        **GUNICORN,
        "WAIT_FOR": [f"tcp://127.0.0.1:{os.environ.get('EXAMPLE_WAIT_PORT', '9')}"],
        "WAIT_TIMEOUT": 2,
    },
}
