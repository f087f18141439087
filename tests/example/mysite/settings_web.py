"""One process per web server, configured with the documented keys.

The tests start each by name (``prodserver NAME --settings=mysite.settings_web``)
and move it to a free port with arguments after ``--``.
"""

from importlib.util import find_spec

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

BACKENDS = "django_prodserver.backends"

# runserver_plus is a command of django-extensions (the "dev" extra).
if find_spec("django_extensions"):
    INSTALLED_APPS = [*INSTALLED_APPS, "django_extensions"]

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
    "daphne": {
        "BACKEND": f"{BACKENDS}.daphne.DaphneServer",
        "ARGS": {"bind": "127.0.0.1", "port": "8006"},
    },
    "hypercorn": {
        "BACKEND": f"{BACKENDS}.hypercorn.HypercornServer",
        "ARGS": {"bind": "127.0.0.1:8007", "access-logfile": "-"},
    },
    "uwsgi": {
        "BACKEND": f"{BACKENDS}.uwsgi.UWSGIServer",
        "ARGS": {"http-socket": "127.0.0.1:8008", "processes": 2},
    },
    # The development servers (daphne's runserver: settings_daphne).
    "runserver": {
        "BACKEND": f"{BACKENDS}.dev.django_runserver.DjangoRunserver",
        "ARGS": {"addrport": "127.0.0.1:8009"},
    },
    "runserver_plus": {
        "BACKEND": f"{BACKENDS}.dev.werkzeug.RunserverPlus",
        "ARGS": {"addrport": "127.0.0.1:8010", "nopin": True},
    },
}
