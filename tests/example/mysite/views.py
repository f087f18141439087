"""Views that tell the tests which process and settings answered."""

import asyncio
import os
import time

from django.conf import settings
from django.http import HttpRequest, JsonResponse


def identity(kind: str) -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "settings": settings.SETTINGS_MODULE,
        "label": settings.SITE_LABEL,
        "kind": kind,
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


def slow(request: HttpRequest) -> JsonResponse:
    """Answers after ``?seconds=`` (default 2): an in-flight request for stop tests."""
    delay = seconds(request)
    time.sleep(delay)
    return JsonResponse({**identity("sync"), "slept": delay})


async def async_index(request: HttpRequest) -> JsonResponse:
    return JsonResponse(identity("async"))


async def async_slow(request: HttpRequest) -> JsonResponse:
    delay = seconds(request)
    await asyncio.sleep(delay)
    return JsonResponse({**identity("async"), "slept": delay})
