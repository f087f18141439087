"""The stop budget: how long a program may take to stop before it is killed."""

from __future__ import annotations

import math

#: Seconds a stop gets beyond the program's own graceful window: time for its
#: main process to exit once its workers have.
STOP_MARGIN = 5.0
#: The stop budget of a program whose backend says nothing of how long it takes
#: to stop (Docker's own stop timeout).
DEFAULT_STOP_TIMEOUT = 10.0


def seconds_value(text: str | None) -> float | None:
    """A number of seconds written on a command line, or None if it is not one."""
    try:
        seconds = float(text) if text is not None else math.nan
    except ValueError:
        return None
    return seconds if 0 <= seconds < math.inf else None


def after_graceful_window(window: float | None) -> float | None:
    """The stop budget of a program that stops within ``window`` seconds: the
    window plus :data:`STOP_MARGIN` (None, no limit, for a program that sets no
    bound: its own stop is not cut short)."""
    return None if window is None else window + STOP_MARGIN
