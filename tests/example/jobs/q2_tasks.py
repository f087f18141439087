"""A Django-Q2 task: any function, enqueued by its dotted path with ``async_task``."""

from .records import record


def record_q2(key: str, seconds: float = 0.0) -> int:
    return record("django-q2", key, seconds)
