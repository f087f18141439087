"""The development stack in one command:
``manage.py prodserver --all --settings=mysite.settings_dev`` starts Django's
``runserver`` (reloading on code changes) and a django-tasks worker side by side;
Ctrl-C stops both.

The tests choose the port through ``DEV_PORT``.
"""

import os

from .settings import *  # noqa: F403

DEBUG = True

PRODUCTION_PROCESSES = {
    "web": {
        "BACKEND": "django_prodserver.backends.dev.django_runserver.DjangoRunserver",
        "ARGS": {"addrport": f"127.0.0.1:{os.environ.get('DEV_PORT', '8000')}"},
    },
    "tasks": {
        "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
        "ARGS": {"interval": 0.5},
    },
}
