"""An RQ job: any importable function, enqueued with django-rq's ``enqueue``."""

from .records import record


def record_rq(key: str, seconds: float = 0.0) -> int:
    return record("rq", key, seconds)
