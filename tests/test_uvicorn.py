"""Uvicorn (ASGI and WSGI) through ``prodserver``: argv tables and real servers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.uvicorn import UvicornServer, UvicornWSGIServer
from tests.commands import entry_messages
from tests.parsers import check_click_options
from tests.processes import (
    REAL_SERVER_CHECKS,
    RealServerCheck,
    WebServer,
    backend_argv,
    check_serves_and_stops,
    manage,
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, []),
        ({"host": "0.0.0.0", "port": "8000"}, ["--host=0.0.0.0", "--port=8000"]),
        ({"workers": 4}, ["--workers=4"]),
        ({"log-level": "INFO"}, ["--log-level=info"]),
        ({"log_level": "Debug"}, ["--log-level=debug"]),
        ({"no-access-log": "True"}, ["--no-access-log"]),
        ({"no-access-log": "False"}, ["--access-log"]),
        ({"access-log": False}, ["--no-access-log"]),
        ({"proxy-headers": "True"}, ["--proxy-headers"]),
        ({"proxy-headers": "false"}, ["--no-proxy-headers"]),
        ({"forwarded-allow-ips": "*"}, ["--forwarded-allow-ips=*"]),
        (
            {"server-header": False, "date-header": False},
            ["--no-server-header", "--no-date-header"],
        ),
        ({"loop": "uvloop"}, ["--loop=uvloop"]),
        ({"timeout-keep-alive": "60"}, ["--timeout-keep-alive=60"]),
        ({"limit-max-requests": 1000}, ["--limit-max-requests=1000"]),
        ({"reload": "no"}, []),
        ({"http2": True}, ["--http2"]),
        ({"header": ["X-A:1", "X-B:2"]}, ["--header=X-A:1", "--header=X-B:2"]),
    ],
)  # fmt: skip
def test_argv(args: dict[str, Any], expected: list[str]) -> None:
    assert backend_argv(UvicornServer, args) == [*expected, "mysite.asgi:application"]
    assert backend_argv(UvicornWSGIServer, args) == [
        *expected, "--interface=wsgi", "mysite.wsgi:application",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("backend", "args", "extra", "environ", "expected"),
    [
        (UvicornServer, {}, [], {"PORT": "5000"}, ["--host=0.0.0.0", "--port=5000"]),
        (
            UvicornWSGIServer, {}, [], {"PORT": "5000"},
            ["--interface=wsgi", "--host=0.0.0.0", "--port=5000"],
        ),
        (UvicornServer, {"uds": "/u.sock"}, [], {"PORT": "5000"}, ["--uds=/u.sock"]),
        (UvicornServer, {"port": 8000}, [], {"PORT": "5000"}, ["--port=8000"]),
        (
            UvicornServer, {"port": 8000, "log-level": "info"}, ["--port", "9000"], {},
            ["--log-level=info", "--port", "9000"],
        ),
        (UvicornWSGIServer, {"interface": "asgi3"}, [], {}, ["--interface=asgi3"]),
        (
            UvicornWSGIServer, {}, ["--interface=wsgi"], {},
            ["--interface=wsgi"],
        ),
    ],
)  # fmt: skip
def test_defaults_and_overrides(
    backend: type[UvicornServer],
    args: dict[str, Any],
    extra: list[str],
    environ: dict[str, str],
    expected: list[str],
) -> None:
    assert backend_argv(backend, args, extra, environ)[:-1] == expected


def test_signals() -> None:
    for backend in (UvicornServer, UvicornWSGIServer):
        assert backend.stop_signal == "SIGTERM"
        assert backend.accepted_signals == {"SIGINT", "SIGTERM"}


def test_unknown_option_did_you_mean() -> None:
    entry = {
        "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
        "ARGS": {"no-access-log": "True", "proxy_headers": True, "log-levl": "info"},
    }
    (message,) = entry_messages("web", entry)
    assert message.id == "prodserver.W002"
    assert message.hint == "Did you mean 'log-level'?"


UVICORN = WebServer("uvicorn", asgi=True)
UVICORN_WSGI = WebServer("uvicorn_wsgi")


@pytest.mark.integration
@pytest.mark.parametrize("check", REAL_SERVER_CHECKS, ids=lambda c: c.__name__[6:])
@pytest.mark.parametrize("server", [UVICORN, UVICORN_WSGI], ids=lambda s: s.name)
def test_real_server(
    check: RealServerCheck, server: WebServer, tmp_path: Path, port: int
) -> None:
    check(server, tmp_path, port)


@pytest.mark.integration
def test_with_workers_the_launched_process_is_their_master(
    tmp_path: Path, port: int
) -> None:
    server = WebServer("uvicorn_wsgi", single_process=False)
    check_serves_and_stops(server, tmp_path, port, "--workers=2")


@pytest.mark.integration
def test_dry_run_lower_cases_the_log_level() -> None:
    result = manage(
        "prodserver", "uvicorn", "--settings=mysite.settings_web", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "--host=127.0.0.1 --port=8004 --log-level=info mysite.asgi:application"
        in result.stdout
    )


# -- the installed uvicorn -------------------------------------------------------


def test_every_uvicorn_option_is_known() -> None:
    """The option lists match the installed uvicorn's click command."""
    from uvicorn.main import main

    check_click_options(main, UvicornServer.option_rules)


def test_no_stop_budget_as_uvicorn_sets_no_graceful_timeout() -> None:
    """Uvicorn waits for its requests however long by default: so does prodserver."""
    import inspect

    import uvicorn

    default = inspect.signature(uvicorn.Config).parameters["timeout_graceful_shutdown"]
    assert default.default is None
    backend = UvicornServer(ProcessConfig("web", "uvicorn"), {})
    assert backend.default_stop_timeout([]) is None
