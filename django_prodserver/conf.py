"""prodserver's settings, as ``django_prodserver.conf.app_settings``.

prodserver has one setting, ``PRODUCTION_PROCESSES``; it is read from Django's
settings each time it is asked for, so ``override_settings`` applies::

    from django_prodserver.conf import app_settings

    for name, entry in app_settings.PRODUCTION_PROCESSES.items():
        ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

#: The prefix of prodserver's settings.
SETTINGS_PREFIX = "PRODUCTION_"


class AppSettings:
    """prodserver's settings, with their defaults when a project sets none."""

    @property
    def PRODUCTION_PROCESSES(self) -> Mapping[str, Mapping[str, Any]]:
        """The processes of the project: name → entry (``BACKEND``, ``ARGS``…);
        ``{}`` when the setting is not set."""
        value: Mapping[str, Mapping[str, Any]] = getattr(
            settings, "PRODUCTION_PROCESSES", {}
        )
        return value

    def __getattr__(self, name: str) -> Any:
        """Another ``PRODUCTION_*`` setting of the project, read from Django's."""
        if name.startswith(SETTINGS_PREFIX) and hasattr(settings, name):
            return getattr(settings, name)
        raise AttributeError(f"no prodserver setting {name!r}")


#: The settings, read from Django's each time.
app_settings = AppSettings()
