"""Daphne's development server: ``daphne`` first in INSTALLED_APPS replaces
``runserver`` with its own, which serves ``ASGI_APPLICATION``."""

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

INSTALLED_APPS = ["daphne", *INSTALLED_APPS]
ASGI_APPLICATION = "mysite.asgi.application"

PRODUCTION_PROCESSES = {
    "web": {
        "BACKEND": "django_prodserver.backends.dev.daphne.DaphneRunserver",
        "ARGS": {"addrport": "127.0.0.1:8000"},
    },
}
