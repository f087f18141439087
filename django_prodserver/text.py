"""Short texts for messages about bad input: a value cut to size, "did you mean"."""

from __future__ import annotations

import os
import reprlib
from collections.abc import Iterable

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def brief(value: object) -> str:
    """``repr(value)`` cut to a readable length (a broken ``__repr__`` is tolerated)."""
    return _SHORT.repr(value)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt ``word``, if one is close enough."""
    import difflib  # only for a misspelling: not on every launch

    found = difflib.get_close_matches(word, sorted(choices), n=1)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], fallback: str = "") -> str:
    """``"Did you mean 'workers'?"`` for the closest choice, else ``fallback``."""
    match = closest(word, choices)
    return f"Did you mean {match!r}?" if match else fallback


def is_command_text(value: str) -> bool:
    """Whether a string can be a word of a command line or an environment
    value: no NUL, and bytes for the operating system (an undecodable byte
    read from a command line, U+DC80 to U+DCFF, is one; another lone
    surrogate is not)."""
    if "\0" in value:
        return False
    try:
        os.fsencode(value)
    except UnicodeError:
        return False
    return True
