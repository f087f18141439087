"""The request: the command line's options, parsed once into typed fields."""

from __future__ import annotations

import dataclasses

import pytest

from django_prodserver.command.exporting import export_options
from django_prodserver.command.request import Request
from django_prodserver.export.deployment import ExportOptions


def test_the_request_is_frozen() -> None:
    request = Request.from_options({"names": ["web"]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.names = ["api"]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("options", "fields"),
    [
        ({}, {"run_all": False, "output_format": "shell", "probe_path": "/"}),
        ({"list": True}, {"run_all": True, "list_processes": True}),
        ({"export": "procfile"}, {"run_all": True, "export": "procfile"}),
        ({"export": "procfile", "names": ["web"]}, {"run_all": False}),
        ({"no_color": True, "force_color": True}, {"colour": False}),
        ({"force_color": True}, {"colour": True}),
        ({"pythonpath": "src", "settings": ""},
         {"pythonpath": ["src"], "settings": None}),
        ({"name_prefix": "", "image": None}, {"name_prefix": "", "image": None}),
        ({"extra_args": ["--workers=2"]}, {"extra_args": ["--workers=2"]}),
    ],
)  # fmt: skip
def test_options_become_typed_fields(
    options: dict[str, object], fields: dict[str, object]
) -> None:
    request = Request.from_options(options)
    assert {name: getattr(request, name) for name in fields} == fields


def test_the_arguments_after_the_separator_unless_the_options_hold_them() -> None:
    assert Request.from_options({}, ["--workers=2"]).extra_args == ["--workers=2"]


def test_the_export_gets_the_options_it_repeats_and_its_own() -> None:
    request = Request.from_options(
        {
            "export": "systemd",
            "settings": "mysite.settings",
            "pythonpath": "src",
            "spawn": True,
            "stop_timeout": 12.5,
            "probe_path": "/healthz/",
            "env_file": ".env",
            "name_prefix": "",
        }
    )
    assert export_options(request) == ExportOptions(
        stop_timeout=12.5,
        settings_option="mysite.settings",
        pythonpath="src",
        spawn=True,
        env_file=".env",
        name_prefix="",
        probe_path="/healthz/",
    )
