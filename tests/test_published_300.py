"""Configurations written for django-prodserver 3.0 work on this release as written.

Every configuration of 3.0's README and documentation (``mysite.published_300``)
passes the checks with no more than the warnings that name what to write instead
(its backend paths, ``prodserver.W007``; ``ARGS`` as a string, ``prodserver.W008``),
and each old path runs what the new one runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.module_loading import import_string
from mysite.published_300 import CONFIGURATIONS

from django_prodserver.backends.deprecated import replacement
from django_prodserver.backends.dev import daphne as dev_daphne
from django_prodserver.checks import check_processes
from tests.commands import plans_of

#: The messages an upgraded configuration may get: the deprecation warnings; a
#: program that this test environment does not install; and the two warnings
#: that say how a value of 3.0's documentation is adapted (db_worker's
#: ``threads`` become processes; granian runs ASGI with one blocking thread).
ALLOWED = {
    "prodserver.W007", "prodserver.W008", "prodserver.W001",
    "prodserver.W004", "prodserver.W006",
}  # fmt: skip
#: The docs' Celery app is the reader's own: the example project's stands in
#: (a fragment of a Celery page gets it too: the page sets it elsewhere).
APP = "mysite.celery.app"


def as_in_this_project(processes: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: {**entry, "APP": APP} if is_celery(entry["BACKEND"]) else dict(entry)
        for name, entry in processes.items()
    }


def is_celery(path: str) -> bool:
    return ".celery." in path or path.endswith(".CeleryFlower")


def missing_backends(processes: Mapping[str, Any]) -> list[str]:
    """Backends the configuration names that do not import."""
    paths = [replacement(e["BACKEND"]) or e["BACKEND"] for e in processes.values()]
    return [path for path in paths if not importable(path)]


def importable(path: str) -> bool:
    try:
        import_string(path)
    except ImportError:
        return False
    return True


CASES = [
    pytest.param(processes, id=f"{index}: {source}")
    for index, (source, processes) in enumerate(CONFIGURATIONS)
]


def test_every_configuration_is_collected() -> None:
    assert len(CONFIGURATIONS) >= 90
    paths = {e["BACKEND"] for _, p in CONFIGURATIONS for e in p.values()}
    assert "django_prodserver.backends.servers.gunicorn.GunicornServer" in paths
    assert "django_prodserver.backends.workers.celery.CeleryWorker" in paths


#: What 3.0's development servers need now that they are the real management
#: commands (the upgrade guide says so): django-extensions for runserver_plus,
#: ASGI_APPLICATION (3.0's daphne server needed it too), and daphne first in
#: INSTALLED_APPS for its runserver, which is taken as done: daphne's app, once
#: loaded, would stay in the test process with its system check.
DEVELOPMENT = {"ASGI_APPLICATION": "mysite.asgi.application"}
#: The warning for the keys of 3.0's own development servers that the commands
#: have no option for (left out of the command line).
DEV_SERVER_KEY = "django-prodserver 3.0's own development server"


def dropped_dev_server_key(message: Any) -> bool:
    return message.id == "prodserver.W002" and DEV_SERVER_KEY in message.msg


@pytest.mark.parametrize("processes", CASES)
def test_passes_the_checks_with_deprecation_warnings_only(
    processes: Mapping[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not missing_backends(processes), missing_backends(processes)
    monkeypatch.setattr(dev_daphne, "provider_of", lambda command: "daphne")
    apps = [*settings.INSTALLED_APPS, "django_extensions"]
    with override_settings(INSTALLED_APPS=apps, **DEVELOPMENT):
        messages = check_processes(as_in_this_project(processes))
    found = {m.id for m in messages if not dropped_dev_server_key(m)}
    assert found <= ALLOWED, [str(m) for m in messages]


@pytest.mark.parametrize("processes", CASES)
def test_an_old_path_runs_what_the_new_path_runs(processes: Mapping[str, Any]) -> None:
    assert not missing_backends(processes), missing_backends(processes)
    for name, entry in as_in_this_project(processes).items():
        new = replacement(entry["BACKEND"])
        if new is None:
            continue
        (old_plan,) = plans_of(entry, name=name)
        (new_plan,) = plans_of({**entry, "BACKEND": new}, name=name)
        assert old_plan["argv"] == new_plan["argv"]
        assert old_plan["env"] == new_plan["env"]
