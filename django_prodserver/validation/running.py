"""How an entry runs and stops: ``STOP_TIMEOUT``, ``RESTART`` and ``REPLICAS``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import check_ids
from ..config.entry import UNSET, Unset
from ..config.messages import error
from ..config.stopping import RESTART_POLICIES, STOP_BUDGET_RULE, is_stop_budget
from ..text import brief, did_you_mean

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


def valid_stop_timeout(value: object) -> bool:
    return value is None or is_stop_budget(value)


def check_stop_timeout(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    if "STOP_TIMEOUT" not in entry or valid_stop_timeout(entry["STOP_TIMEOUT"]):
        return []
    return [
        error(
            check_ids.BAD_STOP_TIMEOUT,
            f"{label}['STOP_TIMEOUT'] must be {STOP_BUDGET_RULE}, or None for no "
            f"limit, not {brief(entry['STOP_TIMEOUT'])}",
            'Write "STOP_TIMEOUT": 60, or leave the key out for the backend\'s '
            "default.",
        )
    ]


def check_restart(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    value = entry.get("RESTART", "no")
    if value in RESTART_POLICIES and isinstance(value, str):
        return []
    choices = ", ".join(repr(policy) for policy in RESTART_POLICIES)
    fallback = 'Write "RESTART": "on-failure" to start it again when it fails.'
    hint = (
        did_you_mean(value.strip().lower(), RESTART_POLICIES, fallback)
        if isinstance(value, str)
        else fallback
    )
    return [
        error(
            check_ids.BAD_RESTART,
            f"{label}['RESTART'] must be one of {choices}, not {brief(value)}",
            hint,
        )
    ]


def valid_replicas(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def check_replicas(
    label: str, entry: Mapping[Any, Any], single_instance: bool
) -> list[CheckMessage]:
    """``REPLICAS``: a whole number of at least 1, and 1 for a process that
    must never run twice."""
    value = entry.get("REPLICAS", 1)
    if not valid_replicas(value):
        problem = f"must be a whole number of at least 1, not {brief(value)}"
        hint = 'Write "REPLICAS": 3, or leave the key out for 1.'
    elif single_instance and value != 1:
        problem = f"must be 1: the process must never run twice, not {value}"
        hint = "Leave the key out: the exports run one copy of it."
    else:
        return []
    return [error(check_ids.BAD_REPLICAS, f"{label}['REPLICAS'] {problem}", hint)]


def entry_stop_and_restart(
    entry: Mapping[Any, Any],
) -> tuple[float | Unset | None, str]:
    """``STOP_TIMEOUT`` in seconds (UNSET when absent) and ``RESTART``; the
    defaults where they are malformed (the checks report those)."""
    value = entry.get("STOP_TIMEOUT", UNSET)
    if value is UNSET or not valid_stop_timeout(value):
        stop_timeout: float | Unset | None = UNSET
    else:
        stop_timeout = None if value is None else float(value)
    restart = entry.get("RESTART", "no")
    return stop_timeout, restart if restart in RESTART_POLICIES else "no"
