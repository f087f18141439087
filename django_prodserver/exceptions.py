"""The one error type of prodserver: a configuration problem with an id and a fix."""

from __future__ import annotations

import reprlib

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def brief(value: object) -> str:
    """``repr(value)`` cut to a readable length, for messages about bad input
    (a broken ``__repr__`` is tolerated too)."""
    return _SHORT.repr(value)


class ConfigurationError(Exception):
    """Bad ``PRODUCTION_PROCESSES`` input, reported as one line with its check id."""

    def __init__(self, message: str, hint: str = "", check_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.check_id = check_id

    def __str__(self) -> str:
        text = f"{self.check_id}: {self.message}" if self.check_id else self.message
        return f"{text}. {self.hint}" if self.hint else text
