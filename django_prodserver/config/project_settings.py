"""The project's settings, as prodserver reads them.

``settings`` here is Django's ``django.conf.settings`` whenever Django's
settings are in use: under ``manage.py`` (always), in tests (``override_settings``
applies) and once the console script has run ``django.setup()``. Until then, the
console script reads the settings module itself (:class:`ModuleSettings`):
importing ``django.conf`` brings ``asyncio`` with it, which costs a launch
more than reading the settings does. It reads them as Django does, Django's own
defaults included, so the plans are the same either way.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import time
from types import ModuleType
from typing import Any

from django.core.exceptions import ImproperlyConfigured

#: Settings that Django requires to be a list or a tuple.
LIST_SETTINGS = (
    "ALLOWED_HOSTS",
    "INSTALLED_APPS",
    "TEMPLATE_DIRS",
    "LOCALE_PATHS",
    "SECRET_KEY_FALLBACKS",
)
#: Where the time zones are, when the system has them (as Django looks).
ZONEINFO_ROOT = "/usr/share/zoneinfo"


def django_defaults() -> ModuleType:
    """Django's ``global_settings``, loaded from Django's own file without the
    ``django.conf`` package around it (that package is what costs); imported
    the usual way where Django is not a directory of files (a zip)."""
    loaded = sys.modules.get("django.conf.global_settings")
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec("django")
    if spec is None or spec.origin is None:
        return importlib.import_module("django.conf.global_settings")
    path = os.path.join(os.path.dirname(spec.origin), "conf", "global_settings.py")
    loader = importlib.machinery.SourceFileLoader(f"{__name__}.defaults", path)
    module = ModuleType(loader.name)
    module.__file__ = path
    try:
        loader.exec_module(module)
    except OSError:
        return importlib.import_module("django.conf.global_settings")
    return module


def upper_names(module: ModuleType) -> dict[str, Any]:
    """A module's settings: its upper-case names, as Django takes them."""
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def use_time_zone(time_zone: object) -> None:
    """Set ``TZ`` as Django's settings do, refusing a zone the system lacks
    (with Django's error)."""
    if not (hasattr(time, "tzset") and time_zone and isinstance(time_zone, str)):
        return
    zone_file = os.path.join(ZONEINFO_ROOT, *time_zone.split("/"))
    if os.path.exists(ZONEINFO_ROOT) and not os.path.exists(zone_file):
        raise ValueError(f"Incorrect timezone setting: {time_zone}")
    os.environ["TZ"] = time_zone
    time.tzset()


class ModuleSettings:
    """One settings module over Django's defaults: what ``django.conf.settings``
    holds for it, read without ``django.conf``.

    Left out: Django 4.2's translation of its deprecated storage settings into
    ``STORAGES``, a setting prodserver does not read.
    """

    def __init__(self, module_name: str) -> None:
        values = upper_names(django_defaults())
        values["SETTINGS_MODULE"] = module_name
        values.update(upper_names(importlib.import_module(module_name)))
        for name in LIST_SETTINGS:
            if name in values and not isinstance(values[name], (list, tuple)):
                # Django's error, word for word.
                raise ImproperlyConfigured(
                    f"The {name} setting must be a list or a tuple."
                )
        self.values = values
        use_time_zone(values.get("TIME_ZONE"))

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def django_settings_in_use() -> bool:
    """Whether ``django.conf.settings`` has been loaded (or configured)."""
    conf = sys.modules.get("django.conf")
    return conf is not None and bool(conf.settings.configured)


class ProjectSettings:
    """The settings in use: Django's, or the module the console script read."""

    def __init__(self) -> None:
        self.module: ModuleSettings | None = None

    def read_module(self, module_name: str) -> None:
        """Read ``module_name`` without Django's settings (the console script)."""
        self.module = ModuleSettings(module_name)

    @property
    def source(self) -> Any:
        if self.module is not None and not django_settings_in_use():
            return self.module
        from django.conf import settings

        return settings

    def __getattr__(self, name: str) -> Any:
        return getattr(self.source, name)


#: The project's settings (``getattr(settings, NAME, default)`` as with Django's).
settings = ProjectSettings()
