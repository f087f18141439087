"""A Celery app's broker URL, found without importing Celery or the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.celery import CeleryBeat
from django_prodserver.backends.celery_broker import (
    DEFAULT_BROKER,
    AppSource,
    app_source,
    broker_url,
    read_app_source,
)
from tests.processes import manage


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Celery's Django guide, as startproject users and cookiecutter-django write it.
        (
            'app = Celery("mysite")\n'
            'app.config_from_object("django.conf:settings", namespace="CELERY")',
            AppSource("CELERY", None),
        ),
        (
            "app = Celery('p')\napp.config_from_object('django.conf:settings', "
            "namespace='TASKS')",
            AppSource("TASKS", None),
        ),
        (
            "app.config_from_object('django.conf:settings')",
            AppSource("", None),
        ),
        ("app.config_from_object('celeryconfig')", AppSource(None, None)),
        ('app = Celery("p", broker="redis://r:6379/2")', AppSource("CELERY", "redis://r:6379/2")),
        ("app = celery.Celery('p')", AppSource("CELERY", None)),
        ("this is not python(", AppSource("CELERY", None)),
        ("", AppSource("CELERY", None)),
    ],
)  # fmt: skip
def test_read_app_source(source: str, expected: AppSource) -> None:
    assert read_app_source(source) == expected


def test_the_example_projects_app() -> None:
    assert app_source("mysite.celery.app") == AppSource("CELERY", None)
    assert app_source("mysite.celery:app") == AppSource("CELERY", None)
    assert app_source("no_such_module.app") == AppSource()
    assert app_source(None) == AppSource()


def app_module(tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> str:
    package = tmp_path / "brokerapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tasks_app.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "brokerapp.tasks_app.app"


@pytest.mark.parametrize(
    ("source", "settings", "environ", "expected"),
    [
        ("", {"CELERY_BROKER_URL": "redis://s/0"}, {}, "redis://s/0"),
        ("", {"CELERY_BROKER_URL": "redis://s/0"}, {"CELERY_BROKER_URL": "amqp://e//"},
         "amqp://e//"),
        ("app = Celery('p', broker='redis://c/1')", {"CELERY_BROKER_URL": "redis://s/0"},
         {}, "redis://c/1"),
        ("app.config_from_object('django.conf:settings', namespace='Q')",
         {"Q_BROKER_URL": "redis://q/0", "CELERY_BROKER_URL": "redis://s/0"}, {},
         "redis://q/0"),
        ("app.config_from_object('django.conf:settings')", {"BROKER_URL": "redis://b"},
         {}, "redis://b"),
        # Nothing configures one: Celery's own default.
        ("app.config_from_object('django.conf:settings', namespace='Q')", {}, {},
         DEFAULT_BROKER),
        # Configured from elsewhere: the usual setting if there is one, else unknown.
        ("app.config_from_object('celeryconfig')", {"CELERY_BROKER_URL": "redis://s"},
         {}, "redis://s"),
        ("app.config_from_object('celeryconfig')", {}, {}, None),
    ],
)  # fmt: skip
def test_broker_url(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    settings: dict[str, Any],
    environ: dict[str, str],
    expected: str | None,
) -> None:
    app = app_module(tmp_path, source, monkeypatch)
    overrides = {"CELERY_BROKER_URL": None, **settings}
    with override_settings(**overrides):
        assert broker_url(app, environ) == expected


def test_the_backend_sees_env_and_args() -> None:
    def beat(args: dict[str, Any], env: dict[str, str]) -> str | None:
        config = ProcessConfig("beat", "x", "mysite.celery.app", args, env)
        return CeleryBeat(config, env).broker_url()

    with override_settings(CELERY_BROKER_URL="redis://settings/0"):
        assert beat({}, {}) == "redis://settings/0"
        assert beat({}, {"CELERY_BROKER_URL": "redis://env/0"}) == "redis://env/0"
        assert beat({"broker": "redis://args/0"}, {}) == "redis://args/0"
        assert beat({"b": "redis://short/0"}, {}) == "redis://short/0"


def test_finding_the_broker_imports_neither_celery_nor_the_app() -> None:
    code = (
        "import sys; from django_prodserver.backends.celery_broker import broker_url; "
        "print(broker_url('mysite.celery.app', {})); "
        "print(sorted(m for m in sys.modules if m == 'mysite.celery' "
        "or m.split('.')[0] in ('celery', 'kombu')))"
    )
    result = manage("shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["redis://127.0.0.1:6379/0", "[]"]
