"""A Dramatiq actor, found by ``rundramatiq`` through
``DRAMATIQ_AUTODISCOVER_MODULES``."""

import dramatiq

from .records import record


@dramatiq.actor(max_retries=0)
def record_dramatiq(key: str, seconds: float = 0.0) -> None:
    record("dramatiq", key, seconds)
