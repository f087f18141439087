"""When a launch needs Django's app registry, and the answers that spare it.

The launches themselves, with and without ``django.setup()``, are in
test_main.py: this test process has its registry loaded by pytest-django.
"""

from __future__ import annotations

import pytest
from django.apps import AppConfig
from django.core.exceptions import AppRegistryNotReady

from django_prodserver.config import registry


class RenamedConfig(AppConfig):
    """An AppConfig of another app than its module's, as Django's docs show
    (``anthology.apps.JazzManoucheConfig`` configuring ``rock_n_roll``)."""

    name = "django_q"


HERE = __name__


@pytest.mark.parametrize(
    ("name", "installed_apps", "installed"),
    [
        ("django_q", ["django.contrib.auth", "django_q"], True),
        ("django_q", ["django.contrib.auth"], False),
        ("django_q", [], False),
        # An AppConfig class: its name is read from the class.
        ("django_q", ["django_q.apps.DjangoQConfig"], True),
        ("jobs", ["jobs.apps.JobsConfig"], True),
        ("django_q", [f"{HERE}.RenamedConfig"], True),
        ("tests", [f"{HERE}.RenamedConfig"], False),
        # A module path of another app is not that app.
        ("django_tasks", ["django_tasks.backends.database"], False),
        # The name first: a class that cannot be imported is not needed then.
        ("django_q", ["django_q", "nowhere.apps.MissingConfig"], True),
        # What the setting alone does not tell.
        ("django_q", ["nowhere.apps.Missing", "django_q.apps.DjangoQConfig"], None),
        ("django_q", [RenamedConfig], None),
    ],
)  # fmt: skip
def test_installed_apps_are_read_from_the_setting(
    name: str, installed_apps: list[object], installed: bool | None
) -> None:
    assert registry.installed_from_setting(name, installed_apps) is installed


@pytest.mark.parametrize(
    ("entry", "needs"),
    [
        ({"BACKEND": "django_prodserver.backends.gunicorn.GunicornServer"}, False),
        (
            {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "BEFORE": ["migrate --noinput"],
            },
            True,
        ),
        ({"BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
          "BEFORE": []}, False),
        ({"BACKEND": f"{HERE}.DeclaredBackend"}, True),
        # Whatever is wrong is the checks' to report.
        ({"BACKEND": "nowhere.Server"}, False),
        ({"BACKEND": 3}, False),
        ({}, False),
        ("not a dict", False),
    ],
)  # fmt: skip
def test_an_entry_needs_the_registry(entry: object, needs: bool) -> None:
    assert registry.entry_needs_registry(entry) is needs


class DeclaredBackend:
    needs_django_setup = True


class RaisingMapping(dict[str, object]):
    def get(self, key: str, default: object = None) -> object:
        raise RuntimeError("a mapping of the user's own")


def test_a_mapping_that_raises_is_left_to_the_checks() -> None:
    assert registry.entry_needs_registry(RaisingMapping()) is False


def test_work_that_needs_the_registry_is_done_again_once_it_is_loaded() -> None:
    """With the registry loaded (as here), the error is not Django's lack of
    setup: it is raised, not retried."""
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        raise AppRegistryNotReady("not this time")

    with pytest.raises(AppRegistryNotReady):
        registry.with_registry(work)
    assert len(calls) == 1
    assert registry.with_registry(lambda: "done") == "done"
