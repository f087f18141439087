"""How a process is stopped and started again: the stop budget and ``RESTART``.

The supervisor imports this module, so it imports neither ``typing`` nor
``dataclasses``: its start stays small.
"""

from ..text import MAX_SECONDS, is_seconds

#: What ``RESTART`` takes: when the supervisor starts a program again.
RESTART_POLICIES = ("no", "on-failure", "always")

#: What a stop budget is, as messages say it.
STOP_BUDGET_RULE = f"a number of seconds above 0 and up to a year ({MAX_SECONDS})"


def is_stop_budget(value: object) -> bool:
    """Whether ``value`` is a stop budget a user may give (``STOP_TIMEOUT``,
    ``--stop-timeout``): a number of seconds above 0, up to a year. ``0`` is
    refused: no program stops in no time, and no process manager takes it."""
    return is_seconds(value)
