"""A django-tasks task that leaves files behind, so that the test can see from
outside the container when it started and whether it finished."""

from __future__ import annotations

import os
import time
from pathlib import Path

try:
    from django.tasks import task  # Django >= 6.0
except ImportError:
    from django_tasks import task


def marks() -> Path:
    return Path(os.environ.get("ENGINE_DATA", "/tmp"))


@task()
def sleep_then_mark(name: str, seconds: float) -> None:
    (marks() / f"{name}.started").write_text(str(os.getpid()))
    time.sleep(seconds)
    (marks() / f"{name}.done").write_text(str(os.getpid()))
