"""Check messages about ``PRODUCTION_PROCESSES``, made when there is one.

Django's message classes live in ``django.core.checks``, a package that imports
every system check of Django, and with them much of Django (databases, URLs,
templates). A launch without ``django.setup()`` whose entries are fine makes no
message, so the package is imported only when a message is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..redaction import redact_text
from ..text import escaped
from .entry import SETTING

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


def error(check_id: str, message: str, hint: str) -> CheckMessage:
    """An error about ``PRODUCTION_PROCESSES``: the launch stops."""
    from django.core.checks import Error

    return Error(shown(message), hint=shown(hint), obj=SETTING, id=check_id)


def warning(check_id: str, message: str, hint: str) -> CheckMessage:
    """A warning about ``PRODUCTION_PROCESSES``: printed, the launch goes on."""
    from django.core.checks import Warning

    return Warning(shown(message), hint=shown(hint), obj=SETTING, id=check_id)


def shown(text: str) -> str:
    """A message's text as it may be printed: on one line, no URL password."""
    return redact_text(escaped(text))


def are_messages(items: object) -> bool:
    """Whether ``items`` is a list of check messages (a backend's checks return
    one; an empty list needs no import to tell)."""
    if not isinstance(items, list):
        return False
    if not items:
        return True
    from django.core.checks import CheckMessage

    return all(isinstance(item, CheckMessage) for item in items)
