"""Short texts for messages about bad input: a value cut to size, "did you mean"."""

from __future__ import annotations

import os
import reprlib
from collections.abc import Iterable

_SHORT = reprlib.Repr()
#: About 100 characters of a value make it recognisable; more only hide the message.
_SHORT.maxstring = _SHORT.maxother = 100


def brief(value: object) -> str:
    """``repr(value)`` cut to a readable length (a broken ``__repr__`` is tolerated)."""
    return _SHORT.repr(value)


#: The longest time prodserver takes in seconds (a wait, a stop): a year. A
#: longer one is a mistake (or a number of another unit); None is no limit.
MAX_SECONDS = 365 * 24 * 3600


def is_seconds(value: object) -> bool:
    """Whether ``value`` is a number of seconds above 0, up to a year."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return 0 < value <= MAX_SECONDS


def cut(text: str, length: int = 100) -> str:
    """``text`` cut to about ``length`` characters, with ``…`` where it is cut."""
    return text if len(text) <= length else f"{text[:length]}…"


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


def control_character(value: str) -> str | None:
    """The first character of ``value`` that would break a printed line: a
    control character other than a tab (a newline, a carriage return, an
    escape), or a Unicode line or paragraph separator; None if there is none."""
    import unicodedata  # only for a value that is not plain printable ASCII

    if value.isascii() and value.isprintable():
        return None
    for char in value:
        if char != "\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return char
    return None


def escaped(text: str) -> str:
    """``text`` with every character that :func:`control_character` finds
    written as its escape (``\\n``), so that it stays on one line."""
    if control_character(text) is None:
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if control_character(char)
        else char
        for char in text
    )
