"""A Huey task, run by ``run_huey`` (imported by the app's ``ready()``)."""

from huey.contrib.djhuey import db_task

from .records import record


@db_task()
def record_huey(key: str, seconds: float = 0.0) -> int:
    return record("huey", key, seconds)
