"""The one error type of prodserver: a problem with an id, a fix and an exit status.

Everything between the settings and the program raises it: the checks' errors,
a backend that fails, a program that is not installed. Only the command's edge
turns it into Django's ``CommandError`` (or the console script's exit status).
"""

from __future__ import annotations

from .redaction import redact_text
from .text import brief, escaped

__all__ = ["ConfigurationError", "brief"]


class ConfigurationError(Exception):
    """A problem that stops a launch, reported as one line with its check id."""

    def __init__(
        self, message: str, hint: str = "", check_id: str = "", returncode: int = 1
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.check_id = check_id
        #: The exit status the command ends with.
        self.returncode = returncode

    def __str__(self) -> str:
        text = f"{self.check_id}: {self.message}" if self.check_id else self.message
        text = f"{text}. HINT: {self.hint}" if self.hint else text
        # Without a URL's password wherever it is printed, and a line a problem
        # (several errors of the checks come one a line).
        return "\n".join(redact_text(escaped(line)) for line in text.split("\n"))
