"""The rules of the command line itself, read from the typed request: one
action at a time, options only with the action that reads them, no control
character in an argument (each a usage error, exit status 2)."""

from __future__ import annotations

from typing import Any

import pytest

from django_prodserver.command.request import Request
from django_prodserver.command.usage import refuse_conflicts
from django_prodserver.exceptions import ConfigurationError

ONE_ACTION = "give one of --dry-run, --list, --export, --probe"


def refuse(options: dict[str, Any], extra_args: tuple[str, ...] = ()) -> None:
    request = Request.from_options(options, extra_args)
    refuse_conflicts(request.given, request.names, request.extra_args)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dry_run": True, "list": True}, f"--dry-run and --list can't be used "
         f"together: {ONE_ACTION}"),
        ({"export": "procfile", "probe": True}, f"--export and --probe can't be "
         f"used together: {ONE_ACTION}"),
        ({"format": "json"}, "--format goes with --dry-run only"),
        ({"probe_path": "/healthz/"},
         "--probe-path goes with --probe or --export only"),
        # An empty value is a value given: nothing would read it.
        ({"image": ""}, "--image goes with --export only"),
        ({"name_prefix": "", "dry_run": True}, "--name-prefix goes with --export only"),
        ({"output": "out.yaml", "list": True}, "--output goes with --export only"),
        ({"all": True, "names": ["web"]}, "--all runs every process: name "
         "processes or use --all, not both"),
    ],
)  # fmt: skip
def test_a_conflict_is_a_usage_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        refuse(options)
    assert str(raised.value) == message
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"names": ["web"], "dry_run": True, "format": "json"},
        {"export": "compose", "image": "", "output": "compose.yaml"},
        {"export": "kubernetes", "probe_path": "/healthz/", "name_prefix": ""},
        {"names": ["web"], "probe": True, "probe_path": "/"},
        {"list": True, "all": True},
        {"all": True, "spawn": True, "stop_timeout": 0.0},
    ],
)
def test_options_that_go_together_pass(options: dict[str, Any]) -> None:
    refuse(options)


@pytest.mark.parametrize(
    ("names", "extra_args"), [(["we\nb"], ()), (["web"], ("--name=a\rb",))]
)
def test_a_control_character_in_an_argument_is_refused(
    names: list[str], extra_args: tuple[str, ...]
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        refuse({"names": names}, extra_args)
    assert raised.value.check_id == "prodserver.E027"
    assert raised.value.returncode == 2
    assert "which would break its line" in str(raised.value)
