"""Values an exported file can hold, and the refusal of those it cannot.

Each format writes every value so that its own parser reads back exactly that
value, or refuses it: one line that names the process, the value and why,
with the id ``prodserver.E025``. Nothing is written half right.
"""

from __future__ import annotations

from typing import NoReturn

from .. import check_ids
from ..config.entry import SETTING
from ..config.stopping import is_stop_budget
from ..exceptions import ConfigurationError
from ..text import brief
from .deployment import MAX_STOP_BUDGET, Process

#: What ``str.splitlines`` ends a line at (honcho reads a Procfile with it;
#: editors and other readers break lines at several of these too).
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")

#: Why a value is left out of the arguments after ``--``, and how to do without.
SETTINGS_HINT = (
    "Put the value in the entry's ARGS instead: every exported command reads "
    "the settings when it starts."
)


def refuse(
    name: str, what: str, value: object, target: str, why: str, hint: str = ""
) -> NoReturn:
    """Stop the export: ``name``'s ``what`` ``value`` cannot go into ``target``."""
    raise ConfigurationError(
        f"{SETTING}[{name!r}]: {what} {brief(value)} cannot be written into "
        f"{target}: {why}",
        hint or SETTINGS_HINT,
        check_ids.EXPORT_REFUSED,
    )


def printable(ch: str) -> bool:
    """A character that every reader of a text file keeps as it is: printable
    ASCII, or non-ASCII but no line break, control character, byte order
    mark, surrogate or non-character."""
    if " " <= ch <= "~":
        return True
    if "\xa0" <= ch <= "\ud7ff":
        return ch not in "\u2028\u2029"
    return ("\ue000" <= ch <= "\ufffd" and ch != "\ufeff") or ch >= "\U00010000"


def is_text(value: str) -> bool:
    """Whether ``value`` is text a file can hold: UTF-8, without NUL (an
    argument read from undecodable bytes holds lone surrogates)."""
    if "\0" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def checked_text(name: str, what: str, value: str, target: str) -> str:
    if not is_text(value):
        refuse(name, what, value, target, "it is not text (not UTF-8, or a NUL)")
    return value


#: What a process manager that needs a number waits for a process without a
#: stop limit (Kubernetes, supervisord): a day.
NO_LIMIT_SECONDS = 86400.0


def budget_or_a_day(budget: float | None) -> float:
    return NO_LIMIT_SECONDS if budget is None else budget


def checked_budget(process: Process, target: str) -> float | None:
    """The process's stop budget, if a process manager can hold it (None: no
    limit, which each format writes its own way)."""
    budget = process.stop_budget
    if budget is None:
        return None
    if not is_stop_budget(budget):
        refuse(
            process.name,
            "the stop budget",
            budget,
            target,
            f"it must be above 0 and at most a year ({MAX_STOP_BUDGET:.0f} s)",
            "Give --stop-timeout (or the process's stop budget) in seconds.",
        )
    return budget


def checked_strings(name: str, value: object, target: str) -> None:
    """Refuse a document of ``name``'s whose strings are not all text."""
    if isinstance(value, str):
        checked_text(name, "the value", value, target)
    elif isinstance(value, (list, tuple)):
        for item in value:
            checked_strings(name, item, target)
    elif isinstance(value, dict):
        for key, item in value.items():
            checked_strings(name, key, target)
            checked_strings(name, item, target)


def checked_settings(name: str, settings: str, target: str) -> str:
    """``DJANGO_SETTINGS_MODULE``, if it is a module's dotted name (what else
    could Django import?)."""
    if settings and not all(part.isidentifier() for part in settings.split(".")):
        refuse(
            name,
            "the settings module",
            settings,
            target,
            "it is not a module's dotted name",
            "Export with --settings=mysite.settings.",
        )
    return settings
