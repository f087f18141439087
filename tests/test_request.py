"""The request: the command line's options, parsed once into typed fields."""

from __future__ import annotations

import dataclasses

import pytest

from django_prodserver.command.exporting import export_options
from django_prodserver.command.request import Request
from django_prodserver.exceptions import ConfigurationError
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


@pytest.mark.parametrize(
    ("options", "environ", "expected"),
    [
        ({}, {}, ("text", False, True)),
        ({"log_format": "json"}, {}, ("json", False, True)),
        ({"timestamps": True, "no_prefix": True}, {}, ("text", True, False)),
        ({}, {"PRODSERVER_LOG_FORMAT": "JSON"}, ("json", False, True)),
        ({"log_format": "text"}, {"PRODSERVER_LOG_FORMAT": "json"},
         ("text", False, True)),
        ({}, {"PRODSERVER_TIMESTAMPS": "yes", "PRODSERVER_NO_PREFIX": "1"},
         ("text", True, False)),
        ({}, {"PRODSERVER_TIMESTAMPS": "0", "PRODSERVER_NO_PREFIX": "false"},
         ("text", False, True)),
        ({}, {"PRODSERVER_LOG_FORMAT": "", "PRODSERVER_TIMESTAMPS": ""},
         ("text", False, True)),
    ],
)  # fmt: skip
def test_the_line_format_from_options_then_the_environment(
    options: dict[str, object],
    environ: dict[str, str],
    expected: tuple[str, bool, bool],
) -> None:
    found = Request.from_options(options).line_format(environ)
    assert (found.log_format, found.timestamps, found.prefix) == expected


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PRODSERVER_LOG_FORMAT": "xml"}, "PRODSERVER_LOG_FORMAT is 'xml'"),
        ({"PRODSERVER_TIMESTAMPS": "sometimes"}, "PRODSERVER_TIMESTAMPS"),
        ({"PRODSERVER_NO_PREFIX": "2"}, "PRODSERVER_NO_PREFIX is '2'"),
    ],
)
def test_a_bad_variable_is_a_usage_error_naming_it(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Request.from_options({}).line_format(environ)
    assert named in str(raised.value)
    assert "\n" not in str(raised.value)
    assert raised.value.returncode == 2
