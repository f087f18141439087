"""The registered system check: ``manage.py check``, and whatever the setting
holds, neither the check nor the command ends in a traceback."""

from __future__ import annotations

from collections.abc import Mapping
from io import StringIO
from pathlib import Path

import pytest
from django.core import checks
from django.core.checks import CheckMessage
from django.core.management import CommandError, call_command
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from django_prodserver.backends.gunicorn import GunicornServer
from django_prodserver.checks import TAG, check_production_processes
from tests.processes import manage_with_settings, setting_of
from tests.profiles import examples

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"


def test_the_check_is_registered_with_its_tag() -> None:
    assert check_production_processes in checks.registry.registry.get_checks()
    assert TAG in checks.registry.registry.tags_available()


def test_run_checks_reports_our_messages() -> None:
    with override_settings(PRODUCTION_PROCESSES={"web": {"ARGS": {}}}):
        messages = checks.run_checks(tags=[TAG])
    assert [m.id for m in messages] == ["prodserver.E003"]


def run_manage(tmp_path: Path, setting: str, *args: str) -> tuple[int, str, str]:
    result = manage_with_settings(tmp_path, setting, *args)
    return result.returncode, result.stdout, result.stderr


def test_manage_py_check_fails_with_the_id_and_hint(tmp_path: Path) -> None:
    code, _, err = run_manage(
        tmp_path, "PRODUCTION_PROCESSES = {'web': {'ARGS': []}}", "check"
    )
    assert code == 1
    assert "SystemCheckError" in err
    assert (
        "PRODUCTION_PROCESSES: (prodserver.E003) PRODUCTION_PROCESSES['web'] has no "
        "BACKEND"
    ) in err
    assert 'HINT: Add "BACKEND":' in err
    assert "Traceback" not in err


def test_manage_py_check_passes_with_warnings(tmp_path: Path) -> None:
    setting = setting_of({"web": {"BACKEND": GUNICORN, "ARGS": {"worker": 2}}})
    code, out, err = run_manage(tmp_path, setting, "check")
    assert code == 0, err
    assert "(prodserver.W002)" in err
    assert "Did you mean 'workers'?" in err
    assert "System check identified 1 issue" in out + err


# -- whatever the setting holds: messages, never a traceback --------------------

BACKENDS = st.sampled_from(
    [
        GUNICORN,
        "django_prodserver.backends.waitress.WaitressServer",
        "django_prodserver.backends.granian.GranianWSGIServer",
        "django_prodserver.backends.granian.GranianASGIServer",
        "django_prodserver.backends.uvicorn.UvicornServer",
        "django_prodserver.backends.uvicorn.UvicornWSGIServer",
        "mysite.backends.StatusProbe",
        "mysite.backends.AppProbe",
        "django_prodserver.backends.base.ProcessBackend",
        "django.http.HttpResponse",
        "nowhere.Server",
        "mysite",
        ".x",
        "",
        GunicornServer,
    ]
)
KEYS = (
    st.sampled_from(
        [
            *("BACKEND", "APP", "ARGS", "ENV", "web", "bind", "workers", "preload"),
            *("no-preload", "w", "a b", "", "-x", "PORT", "backend"),
        ]
    )
    | st.text(max_size=6)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.none()
    | st.tuples(st.integers())
    | st.frozensets(st.integers(), max_size=2)
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.binary(max_size=3)
    | BACKENDS
)
TREES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner)
        | st.dictionaries(KEYS, inner, max_size=3)
        | st.sets(st.integers(), max_size=2)
    ),
    max_leaves=12,
)
ENTRIES = TREES | st.fixed_dictionaries(
    {},
    optional={
        "BACKEND": BACKENDS | TREES,
        "APP": st.sampled_from(["mysite.wsgi.application", None]) | TREES,
        "ARGS": st.dictionaries(KEYS, TREES, max_size=4) | TREES,
        "ENV": st.dictionaries(KEYS, st.text(max_size=5) | TREES, max_size=3) | TREES,
        "OTHER": TREES,
    },
)
SETTINGS = (
    st.dictionaries(KEYS | st.sampled_from(["web", "worker"]), ENTRIES, max_size=3)
    | TREES
)


def command_fails(*args: str, skip_checks: bool = False) -> bool:
    """Run the command (with its checks, unlike call_command's default); only a
    CommandError may come out of it."""
    try:
        call_command(
            "prodserver",
            *args,
            stdout=StringIO(),
            stderr=StringIO(),
            skip_checks=skip_checks,
        )
    except CommandError:
        return True
    return False


@given(SETTINGS)
@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_any_setting_gives_messages_and_command_errors(processes: object) -> None:
    with override_settings(PRODUCTION_PROCESSES=processes):
        messages = check_production_processes()
        assert all(isinstance(m, CheckMessage) for m in messages)
        assert all(m.id.startswith("prodserver.") and m.hint for m in messages)
        failed = command_fails("--all", "--dry-run")
        for args in (["web", "--dry-run"], ["--dry-run"], ["--list"]):
            command_fails(*args)
        command_fails("--all", "--dry-run", skip_checks=True)
    event("the command failed" if failed else "the command printed the plans")
    # The command runs the same checks: it fails exactly when they find an error.
    if isinstance(processes, Mapping) and processes:
        assert failed == any(m.is_serious() for m in messages), messages


ODD_SETTINGS = [
    setting_of({None: [1, {2: 3}], "web": {"BACKEND": 5, "ARGS": "x"}}),
    setting_of({1.5: None, (1, 2): {"BACKEND": {}}}),
    setting_of("web"),
    setting_of(
        {
            "web": {
                "BACKEND": GUNICORN,
                "ARGS": {("a",): {1}, "bind": [[]]},
                "ENV": {1: 2},
            }
        }
    ),
    "from django_prodserver.backends.base import ProcessBackend\n"
    "PRODUCTION_PROCESSES = {'web': {'BACKEND': ProcessBackend, 'APP': object()}}",
]


@pytest.mark.parametrize("setting", ODD_SETTINGS)
def test_odd_settings_as_a_subprocess(tmp_path: Path, setting: str) -> None:
    for args in (
        ("check",),
        ("prodserver", "web", "--dry-run"),
        ("prodserver", "--all"),
    ):
        code, _, err = run_manage(tmp_path, setting, *args)
        assert code == 1, (args, err)
        assert "Traceback" not in err
        assert "prodserver.E0" in err or "Process 'web' not found" in err
