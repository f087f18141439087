"""Plans: their printable forms and the form the supervisor receives."""

from __future__ import annotations

import json
import shlex

import pytest

from django_prodserver.launch.plan import Plan


def plan(**overrides: object) -> Plan:
    fields: dict[str, object] = {
        "name": "web",
        "backend": "django_prodserver.backends.gunicorn.GunicornServer",
        "argv": ("gunicorn", "--bind=a b", "mysite.wsgi:application"),
        "env": {"PYTHONPATH": "/srv/app", "EMPTY": ""},
        "cwd": "/srv",
        "stop_signal": "SIGINT",
        "accepted_signals": frozenset({"SIGHUP", "SIGINT"}),
        **overrides,
    }
    return Plan(**fields)  # type: ignore[arg-type]


def test_plan_survives_its_payload_form() -> None:
    original = plan(stop_timeout=31.5, restart="on-failure")
    copy = Plan.from_payload(json.loads(json.dumps(original.to_payload())))
    assert copy == original
    assert copy.argv == ("gunicorn", "--bind=a b", "mysite.wsgi:application")
    assert copy.accepted_signals == frozenset({"SIGHUP", "SIGINT"})


@pytest.mark.parametrize(
    "broken",
    [
        {"argv": []},
        {"argv": "gunicorn"},
        {"env": ["A=1"]},
        {"accepted_signals": 1},
        {"stop_timeout": "soon"},
        {"restart": "sometimes"},
    ],
)
def test_malformed_payload_is_a_value_error(broken: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="web"):
        Plan.from_payload({**plan().to_payload(), **broken})


def test_shell_line_splits_back_to_the_environment_and_argv() -> None:
    words = shlex.split(plan().shell_line())
    assert words == [
        "PYTHONPATH=/srv/app",
        "EMPTY=",
        "gunicorn",
        "--bind=a b",
        "mysite.wsgi:application",
    ]


def test_json_form_has_the_documented_keys() -> None:
    assert json.loads(plan().json_line()) == {
        "name": "web",
        "backend": "django_prodserver.backends.gunicorn.GunicornServer",
        "argv": ["gunicorn", "--bind=a b", "mysite.wsgi:application"],
        "env": {"PYTHONPATH": "/srv/app", "EMPTY": ""},
        "cwd": "/srv",
    }
