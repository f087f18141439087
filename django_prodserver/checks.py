"""System checks for ``PRODUCTION_PROCESSES`` (``manage.py check``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps.config import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, register

from .validation import SETTING, check_processes

TAG = "prodserver"


@register(TAG)
def check_production_processes(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Check every entry of ``PRODUCTION_PROCESSES``; no setting, nothing to check."""
    if not hasattr(settings, SETTING):
        return []
    return check_processes(getattr(settings, SETTING))
