"""The release entry: no program, its steps are its work, and it runs first."""

from __future__ import annotations

import signal

import pytest
from django.test import override_settings

from django_prodserver.backends.release import Release
from django_prodserver.config.entry import ProcessConfig
from django_prodserver.config.environment import LaunchContext
from django_prodserver.launch.resolver import resolve
from tests.commands import json_plans, run

RELEASE = "django_prodserver.backends.release.Release"
GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"


def test_a_release_has_no_program_and_runs_once() -> None:
    backend = Release(ProcessConfig("release", RELEASE, before=(("migrate",),)), {})
    assert backend.oneshot
    assert resolve(backend, LaunchContext.current()) == []
    assert backend.check_config() == []


def test_a_custom_one_shot_backend_has_plans() -> None:
    processes = {"release": {"BACKEND": "mysite.backends.ReleaseScript"}}
    with override_settings(PRODUCTION_PROCESSES=processes):
        [plan] = json_plans("release")
    assert plan["oneshot"] is True
    assert isinstance(plan["argv"], list)
    assert plan["argv"][-1] == "0"


def test_one_shot_entries_come_first_in_a_dry_run() -> None:
    processes = {
        "web": {"BACKEND": GUNICORN},
        "release": {"BACKEND": RELEASE, "BEFORE": ["check"]},
        "script": {"BACKEND": "mysite.backends.ReleaseScript"},
    }
    with override_settings(PRODUCTION_PROCESSES=processes):
        names = [plan["name"] for plan in json_plans("--all")]
    assert names == ["release", "script", "web"]


def test_a_release_runs_its_steps_in_the_command_and_returns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    processes = {"release": {"BACKEND": RELEASE, "BEFORE": ["check", "check"]}}
    handler = signal.getsignal(signal.SIGTERM)
    with override_settings(PRODUCTION_PROCESSES=processes):
        out, err = run("release")
    assert err.splitlines() == ["release: manage.py check"] * 2
    printed = capsys.readouterr().out  # the steps write to sys.stdout
    assert printed.count("System check identified no issues") == 2
    assert out == ""
    assert signal.getsignal(signal.SIGTERM) is handler  # put back
