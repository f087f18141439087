"""Two gunicorn processes on two ports (the "Multiple Ports" example).

The tests choose the ports through ``WEB_A_PORT`` and ``WEB_B_PORT``.
"""

import os

from .settings import *  # noqa: F403

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"


def bind(variable: str, default: int) -> str:
    return f"127.0.0.1:{os.environ.get(variable, default)}"


PRODUCTION_PROCESSES = {
    "web_a": {"BACKEND": GUNICORN, "ARGS": {"bind": bind("WEB_A_PORT", 8001)}},
    "web_b": {
        "BACKEND": GUNICORN,
        "ARGS": {"bind": bind("WEB_B_PORT", 8002), "workers": 2},
    },
}
