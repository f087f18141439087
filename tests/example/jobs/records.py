"""The work every example task does: write a row, take its time, finish the row."""

import os
import time

from django.utils import timezone

from .models import Record


def record(runner: str, key: str, seconds: float = 0.0) -> int:
    """Write a :class:`Record`, sleep ``seconds``, then mark it finished."""
    row = Record.objects.create(key=key, runner=runner, pid=os.getpid())
    time.sleep(seconds)
    row.finished_at = timezone.now()
    row.save(update_fields=["finished_at"])
    return row.pk
