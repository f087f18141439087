"""System checks for ``PRODUCTION_PROCESSES`` (``manage.py check``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps.config import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, register

TAG = "prodserver"


@register(TAG)
def check_production_processes(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Check every entry of ``PRODUCTION_PROCESSES``; no setting, nothing to check."""
    # Imported here, not at the top: this module is loaded by every process of
    # the project (each server worker too) when the app is ready, and only
    # `check` and the prodserver command need the validation code.
    from .validation import SETTING, check_processes

    if not hasattr(settings, SETTING):
        return []
    return check_processes(getattr(settings, SETTING))
