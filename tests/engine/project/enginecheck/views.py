"""Pages for the engine tests (JSON, so that they show who answered)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.http import HttpRequest, JsonResponse

from .tasks import sleep_then_mark

#: A helper that forks ``count`` children and exits at once: they live on as
#: orphans for a moment, then exit, and whoever adopted them must reap them.
ORPHANS = """
import os, sys, time
for _ in range(int(sys.argv[1])):
    if os.fork() == 0:
        time.sleep(0.2)
        os._exit(0)
"""


def identity() -> dict[str, object]:
    return {"pid": os.getpid(), "ppid": os.getppid(), "hostname": os.uname()[1]}


def index(request: HttpRequest) -> JsonResponse:
    return JsonResponse(identity())


def slow(request: HttpRequest) -> JsonResponse:
    """Answers after ``?seconds=`` (a request in flight for the stop tests)."""
    seconds = min(float(request.GET.get("seconds", "2")), 30.0)
    token = request.GET.get("arrived", "")
    if token.isalnum():  # the test waits for this line in the container's log
        print(f"arrived {token}", flush=True)
    time.sleep(seconds)
    return JsonResponse({**identity(), "slept": seconds})


def orphans(request: HttpRequest) -> JsonResponse:
    """Leaves ``?count=`` orphans behind, as a helper that forks and exits does."""
    count = min(int(request.GET.get("count", "5")), 100)
    subprocess.run([sys.executable, "-c", ORPHANS, str(count)], check=True)
    return JsonResponse({**identity(), "orphans": count})


def enqueue(request: HttpRequest) -> JsonResponse:
    """Enqueues a task that marks ``?name=`` started, sleeps ``?seconds=``, then
    marks it done."""
    name = request.GET.get("name", "task")
    seconds = min(float(request.GET.get("seconds", "0")), 30.0)
    result = sleep_then_mark.enqueue(name, seconds)
    return JsonResponse({**identity(), "task": str(result.id)})
