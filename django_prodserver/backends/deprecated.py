"""The backend paths of django-prodserver 3.0, and ours that replace them.

Configurations written for 3.0 keep working: each old path imports the backend
that runs the same program, and ``manage.py check`` (and the command, once)
warns with ``prodserver.W007`` naming the path to write instead. Importing an
old module warns of nothing: the check says it where the path is configured.
"""

from __future__ import annotations

_B = "django_prodserver.backends"

#: Old ``BACKEND`` path → the path that replaces it.
REPLACEMENTS = {
    f"{_B}.servers.gunicorn.GunicornServer": f"{_B}.gunicorn.GunicornServer",
    f"{_B}.servers.uvicorn.UvicornServer": f"{_B}.uvicorn.UvicornServer",
    f"{_B}.servers.uvicorn.UvicornWSGIServer": f"{_B}.uvicorn.UvicornWSGIServer",
    f"{_B}.servers.waitress.WaitressServer": f"{_B}.waitress.WaitressServer",
    f"{_B}.servers.granian.GranianASGIServer": f"{_B}.granian.GranianASGIServer",
    f"{_B}.servers.granian.GranianWSGIServer": f"{_B}.granian.GranianWSGIServer",
    f"{_B}.workers.celery.CeleryWorker": f"{_B}.celery.CeleryWorker",
    f"{_B}.workers.celery.CeleryBeat": f"{_B}.celery.CeleryBeat",
    f"{_B}.workers.django_tasks.DjangoTasksWorker": (
        f"{_B}.django_tasks.DjangoTasksWorker"
    ),
    f"{_B}.workers.django_q2.DjangoQ2Worker": f"{_B}.django_q2.DjangoQ2Worker",
    f"{_B}.servers.flower.CeleryFlower": f"{_B}.celery.CeleryFlower",
    f"{_B}.workers.celery.CeleryFlower": f"{_B}.celery.CeleryFlower",
    f"{_B}.dev.werkzeug.WerkzeugRunserver": f"{_B}.dev.werkzeug.RunserverPlus",
    # 3.0's deprecated top-level modules of the development servers.
    f"{_B}.django_runserver.DjangoRunserver": (
        f"{_B}.dev.django_runserver.DjangoRunserver"
    ),
    f"{_B}.daphne.DaphneRunserver": f"{_B}.dev.daphne.DaphneRunserver",
    f"{_B}.werkzeug.RunserverPlus": f"{_B}.dev.werkzeug.RunserverPlus",
    f"{_B}.werkzeug.WerkzeugRunserver": f"{_B}.dev.werkzeug.RunserverPlus",
}


def replacement(path: str) -> str | None:
    """The path that replaces a 3.0 backend path, or None if it is current."""
    return REPLACEMENTS.get(path)
