"""Views that tell the tests which process and settings answered."""

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, JsonResponse


def identity(kind: str) -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "settings": settings.SETTINGS_MODULE,
        "label": settings.SITE_LABEL,
        "kind": kind,
        # Set by the tests of --env-file.
        "example_variable": os.environ.get("EXAMPLE_VARIABLE"),
    }


def seconds(request: HttpRequest) -> float:
    return min(float(request.GET.get("seconds", "2")), 30.0)


def index(request: HttpRequest) -> JsonResponse:
    return JsonResponse(identity("sync"))


def database(request: HttpRequest) -> JsonResponse:
    """Reads the database: how many task records it holds (a 500 before
    ``migrate`` has created the table)."""
    # Imported here: some test settings serve these views without the jobs app.
    from jobs.models import Record

    return JsonResponse({**identity("sync"), "records": Record.objects.count()})


def arrived(request: HttpRequest) -> None:
    """Tell the test that the request has reached the view: ``?arrived=TOKEN``
    creates the file ``prodserver-arrived-TOKEN`` in the temporary directory,
    which the test waits for before it stops the server."""
    token = request.GET.get("arrived", "")
    if re.fullmatch(r"[0-9a-f]{32}", token):
        Path(tempfile.gettempdir(), f"prodserver-arrived-{token}").touch()


def slow(request: HttpRequest) -> JsonResponse:
    """Answers after ``?seconds=`` (default 2): an in-flight request for stop tests."""
    delay = seconds(request)
    arrived(request)
    time.sleep(delay)
    return JsonResponse({**identity("sync"), "slept": delay})


async def async_index(request: HttpRequest) -> JsonResponse:
    return JsonResponse(identity("async"))


async def async_slow(request: HttpRequest) -> JsonResponse:
    delay = seconds(request)
    arrived(request)
    await asyncio.sleep(delay)
    return JsonResponse({**identity("async"), "slept": delay})


#: A helper that forks ``count`` children and exits at once: they live on as
#: orphans for a moment, then exit, and must be reaped by whoever adopted them.
ORPHANS = """
import os, sys, time
for _ in range(int(sys.argv[1])):
    if os.fork() == 0:
        time.sleep(0.2)
        os._exit(0)
"""


def orphans(request: HttpRequest) -> JsonResponse:
    """Leaves ``?count=`` (default 5) orphans behind, as an app that starts a
    helper which forks and exits does (for the PID 1 tests)."""
    count = min(int(request.GET.get("count", "5")), 100)
    subprocess.run([sys.executable, "-c", ORPHANS, str(count)], check=True, timeout=60)
    return JsonResponse({**identity("sync"), "orphans": count})
