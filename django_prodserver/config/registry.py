"""Django's app registry: when a launch needs it, and answers that spare it.

``manage.py prodserver`` runs after ``django.setup()``, like every management
command. The ``prodserver`` console script (and ``python -m django_prodserver``)
reads the settings only, and populates the registry (importing every installed
app and its models, most of Django's start) only when something it is about to
do needs it:

- an entry has ``BEFORE`` steps: management commands, which run in the
  launcher, as ``manage.py`` runs them;
- an entry's backend class says so (``needs_django_setup = True``), or cannot
  even be imported without it (its module imports models);
- a check asks whether an app is installed and ``INSTALLED_APPS`` alone does not
  tell (:func:`app_installed`);
- a backend's own code uses the registry anyway: Django raises
  ``AppRegistryNotReady``, and :func:`with_registry` sets Django up and does the
  work again (nothing has been printed or started by then).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.core.exceptions import AppRegistryNotReady
from django.utils.module_loading import import_string

from .project_settings import settings

T = TypeVar("T")

#: The backend class attribute that asks for ``django.setup()`` first.
NEEDS_SETUP = "needs_django_setup"
#: The entry key whose work needs Django set up: management commands.
STEPS_KEY = "BEFORE"


def registry_ready() -> bool:
    """Whether the installed apps are loaded (``manage.py`` has done it)."""
    from django.apps import apps

    return apps.apps_ready


def set_up_django() -> None:
    """``django.setup()``, as ``manage.py`` runs it before every command."""
    if registry_ready():
        return
    import django

    django.setup()


def with_registry(work: Callable[[], T]) -> T:
    """``work()``; if it needed the registry before it was ready, set Django up
    and run ``work()`` again (it must not have printed or started anything)."""
    try:
        return work()
    except AppRegistryNotReady:
        if registry_ready():
            raise
    set_up_django()
    return work()


def entry_needs_registry(entry: object) -> bool:
    """Whether launching one raw ``PRODUCTION_PROCESSES`` entry needs the
    registry: it has ``BEFORE`` steps, or its backend class asks for it or
    cannot be imported without it.

    Anything wrong with the entry is left for the checks, which report it.
    """
    try:
        if not isinstance(entry, Mapping):
            return False
        if entry.get(STEPS_KEY):
            return True
        path = entry.get("BACKEND")
    except Exception:  # a mapping of the user's own: the checks report it
        return False
    if not isinstance(path, str):
        return False
    try:
        backend = import_string(path)
    except AppRegistryNotReady:  # its module imports models
        return True
    except (Exception, SystemExit):  # the checks report it
        return False
    return bool(getattr(backend, NEEDS_SETUP, False))


def prepare(entries: Iterable[object]) -> None:
    """Set Django up before the checks when an entry to launch needs it."""
    if not registry_ready() and any(map(entry_needs_registry, entries)):
        set_up_django()


def installed_from_setting(name: str, installed_apps: Iterable[object]) -> bool | None:
    """Whether ``INSTALLED_APPS`` installs the app ``name`` (its module path, as
    ``apps.is_installed()`` takes it), read from the setting; None when it
    cannot tell without the registry.

    An entry is an app's module path, or the import path of an ``AppConfig``
    class, whose ``name`` is read from the class (Django imports it first thing
    too). A class that cannot be imported before the registry leaves the answer
    to the registry.
    """
    classes = []
    for entry in installed_apps:
        if not isinstance(entry, str):
            return None
        if entry == name:
            return True
        if entry.rpartition(".")[2][:1].isupper():
            classes.append(entry)
    for entry in classes:
        try:
            app_name = getattr(import_string(entry), "name", None)
        except (Exception, SystemExit):
            return None
        if app_name == name:
            return True
    return False


def app_installed(name: str) -> bool:
    """``apps.is_installed(name)``, answered from ``INSTALLED_APPS`` while the
    registry is not loaded; when the setting does not tell, Django is set up."""
    if not registry_ready():
        found = installed_from_setting(name, settings.INSTALLED_APPS)
        if found is not None:
            return found
        set_up_django()
    from django.apps import apps

    return apps.is_installed(name)
