"""The example project as ``make demo`` runs it: a web server and a django-tasks
worker side by side, on SQLite, with nothing else to install or start.

``mysite.settings`` keeps its single ``web`` process: the tests rely on it.
"""

import os

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

# Only what the demo runs is installed for it (gunicorn and django-tasks).
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django_q"]
ROOT_URLCONF = "mysite.urls_demo"

PRODUCTION_PROCESSES = {
    "web": {
        "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
        "ARGS": {
            "bind": f"127.0.0.1:{os.environ.get('DEMO_PORT', '8000')}",
            "workers": 2,
            "access-logfile": "-",
        },
    },
    "tasks": {
        "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
        "ARGS": {"interval": 0.5},
    },
}
