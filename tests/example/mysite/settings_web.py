"""One process per web server, configured with the documented keys.

The tests start each by name (``prodserver NAME --settings=mysite.settings_web``)
and move it to a free port with arguments after ``--``.
"""

from .settings import *  # noqa: F403

BACKENDS = "django_prodserver.backends"

PRODUCTION_PROCESSES = {
    "gunicorn": {
        "BACKEND": f"{BACKENDS}.gunicorn.GunicornServer",
        "ARGS": {"bind": "127.0.0.1:8000", "workers": 2},
    },
    "waitress": {
        "BACKEND": f"{BACKENDS}.waitress.WaitressServer",
        "ARGS": {"host": "127.0.0.1", "port": "8001", "threads": "4"},
    },
    "granian_wsgi": {
        "BACKEND": f"{BACKENDS}.granian.GranianWSGIServer",
        "ARGS": {"address": "127.0.0.1", "port": "8002", "workers": 1, "threads": 2},
    },
    "granian_asgi": {
        "BACKEND": f"{BACKENDS}.granian.GranianASGIServer",
        "ARGS": {"address": "127.0.0.1", "port": "8003", "log-access": "True"},
    },
    "uvicorn": {
        "BACKEND": f"{BACKENDS}.uvicorn.UvicornServer",
        "ARGS": {"host": "127.0.0.1", "port": "8004", "log-level": "INFO"},
    },
    "uvicorn_wsgi": {
        "BACKEND": f"{BACKENDS}.uvicorn.UvicornWSGIServer",
        "ARGS": {"host": "127.0.0.1", "port": "8005", "no-access-log": "True"},
    },
}
