"""Granian (WSGI and ASGI) through ``prodserver``: argv tables and real servers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from django_prodserver.backends.base import STOP_MARGIN, ProcessConfig
from django_prodserver.backends.granian import (
    WORKERS_KILL_TIMEOUT,
    GranianASGIServer,
    GranianServer,
    GranianWSGIServer,
)
from tests.commands import entry_messages
from tests.parsers import check_click_options
from tests.processes import (
    REAL_SERVER_CHECKS,
    RealServerCheck,
    WebServer,
    backend_argv,
    manage,
)

WSGI_DEFAULTS = [
    "--interface=wsgi",
    "--blocking-threads=4",
    "--workers-kill-timeout=30",
]
ASGI_DEFAULTS = [
    "--interface=asginl",
    "--blocking-threads=1",
    "--workers-kill-timeout=30",
]
WSGI_TARGET = "mysite.wsgi:application"
ASGI_TARGET = "mysite.asgi:application"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, []),
        ({"address": "0.0.0.0", "port": "8000"}, ["--host=0.0.0.0", "--port=8000"]),
        ({"host": "0.0.0.0", "port": 8000}, ["--host=0.0.0.0", "--port=8000"]),
        ({"workers": "4"}, ["--workers=4"]),
        ({"log-access": "False"}, ["--no-access-log"]),
        ({"log-access": "True"}, ["--access-log"]),
        ({"log_access": False}, ["--no-access-log"]),
        ({"access-log": True}, ["--access-log"]),
        ({"no-access-log": "true"}, ["--no-access-log"]),
        ({"ssl-cert": "/c.pem"}, ["--ssl-certificate=/c.pem"]),
        ({"ssl-key": "/k.pem"}, ["--ssl-keyfile=/k.pem"]),
        ({"websockets": "True"}, ["--ws"]),
        ({"ws": False}, ["--no-ws"]),
        ({"reload": "True"}, ["--reload"]),
        ({"http": "2"}, ["--http=2"]),
        ({"log-level": "warn"}, ["--log-level=warn"]),
        (
            {"static-path-mount": ["/a", "/b"]},
            ["--static-path-mount=/a", "--static-path-mount=/b"],
        ),
        ({"runtime_threads": 8}, ["--runtime-threads=8"]),
    ],
)
def test_argv_shared_by_both_interfaces(
    args: dict[str, Any], expected: list[str]
) -> None:
    assert backend_argv(GranianWSGIServer, args) == [
        *expected,
        *WSGI_DEFAULTS,
        WSGI_TARGET,
    ]
    assert backend_argv(GranianASGIServer, args) == [
        *expected,
        *ASGI_DEFAULTS,
        ASGI_TARGET,
    ]


@pytest.mark.parametrize(
    ("backend", "args", "extra", "expected"),
    [
        (
            GranianWSGIServer,
            {"threads": 2},
            [],
            ["--blocking-threads=2", "--interface=wsgi", "--workers-kill-timeout=30"],
        ),
        (
            GranianWSGIServer,
            {"blocking-threads": 8, "workers-kill-timeout": "5s"},
            [],
            ["--blocking-threads=8", "--workers-kill-timeout=5s", "--interface=wsgi"],
        ),
        (
            GranianASGIServer,
            {"blocking-threads": "2"},
            [],
            ["--blocking-threads=1", "--interface=asginl", "--workers-kill-timeout=30"],
        ),
        (
            GranianASGIServer,
            {"threads": 4},
            [],
            ["--blocking-threads=1", "--interface=asginl", "--workers-kill-timeout=30"],
        ),
        (
            GranianASGIServer,
            {"interface": "asgi"},
            [],
            ["--interface=asgi", "--blocking-threads=1", "--workers-kill-timeout=30"],
        ),
        (
            GranianWSGIServer,
            {"address": "0.0.0.0", "port": 8000, "workers": 4},
            ["--host=127.0.0.1", "--workers", "2"],
            [
                "--port=8000", *WSGI_DEFAULTS, "--host=127.0.0.1", "--workers", "2",
            ],
        ),
    ],
)  # fmt: skip
def test_defaults_and_overrides(
    backend: type[GranianWSGIServer],
    args: dict[str, Any],
    extra: list[str],
    expected: list[str],
) -> None:
    assert backend_argv(backend, args, extra)[:-1] == expected


@pytest.mark.parametrize("backend", [GranianWSGIServer, GranianASGIServer])
def test_port_from_the_environment(backend: type[GranianWSGIServer]) -> None:
    argv = backend_argv(backend, {"workers": 2}, environ={"PORT": "5000"})
    assert argv[:4] == [
        "--workers=2",
        f"--interface={backend.interface}",
        "--host=0.0.0.0",
        "--port=5000",
    ]
    configured = backend_argv(
        backend, {"address": "10.0.0.1"}, environ={"PORT": "5000"}
    )
    assert "--port=5000" not in configured


def test_signals() -> None:
    for backend in (GranianWSGIServer, GranianASGIServer):
        assert backend.stop_signal == "SIGTERM"
        assert backend.accepted_signals == {"SIGINT", "SIGTERM", "SIGHUP"}


def test_asgi_blocking_threads_warning() -> None:
    entry = {
        "BACKEND": "django_prodserver.backends.granian.GranianASGIServer",
        "ARGS": {"threads": "2"},
    }
    ids = [m.id for m in entry_messages("web", entry)]
    assert ids == ["prodserver.W006"]
    entry["ARGS"] = {"blocking-threads": 1, "address": "0.0.0.0"}
    assert entry_messages("web", entry) == []


def test_unknown_option_did_you_mean() -> None:
    entry = {
        "BACKEND": "django_prodserver.backends.granian.GranianWSGIServer",
        "ARGS": {"worker": 2},
    }
    (message,) = entry_messages("web", entry)
    assert message.id == "prodserver.W002"
    assert message.hint == "Did you mean 'workers'?"


@override_settings(
    PRODUCTION_PROCESSES={
        "web": {
            "BACKEND": "django_prodserver.backends.granian.GranianASGIServer",
            "ARGS": {"address": "0.0.0.0", "port": "8000", "log-access": "False"},
        }
    }
)
def test_dry_run_json() -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("prodserver", "web", "--dry-run", "--format=json", stdout=out)
    argv = json.loads(out.getvalue())["argv"]
    assert argv[0].endswith("granian")
    assert argv[1:] == [
        "--host=0.0.0.0", "--port=8000", "--no-access-log", *ASGI_DEFAULTS, ASGI_TARGET,
    ]  # fmt: skip


GRANIAN_WSGI = WebServer("granian_wsgi", single_process=False)
GRANIAN_ASGI = WebServer("granian_asgi", asgi=True, single_process=False)


@pytest.mark.integration
@pytest.mark.parametrize("check", REAL_SERVER_CHECKS, ids=lambda c: c.__name__[6:])
@pytest.mark.parametrize("server", [GRANIAN_WSGI, GRANIAN_ASGI], ids=lambda s: s.name)
def test_real_server(
    check: RealServerCheck, server: WebServer, tmp_path: Path, port: int
) -> None:
    check(server, tmp_path, port)


@pytest.mark.integration
def test_dry_run_shows_the_settings_aliases() -> None:
    result = manage(
        "prodserver", "granian_wsgi", "--settings=mysite.settings_web", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "--host=127.0.0.1 --port=8002 --workers=1 --blocking-threads=2 --interface=wsgi"
        in result.stdout
    )


# -- the installed granian -------------------------------------------------------


def test_every_granian_option_is_known() -> None:
    """The option lists match the installed granian's click command."""
    from granian.cli import cli

    check_click_options(cli, GranianServer.option_rules)


def test_workers_kill_timeout_bounds_what_granian_leaves_unbounded() -> None:
    """Granian's own workers-kill-timeout is no limit (its main process can then
    wait for ever), so prodserver passes gunicorn's graceful-timeout."""
    import inspect

    from granian import Granian
    from gunicorn.config import Config

    default = inspect.signature(Granian).parameters["workers_kill_timeout"].default
    assert default is None
    assert Config().graceful_timeout == WORKERS_KILL_TIMEOUT
    backend = GranianWSGIServer(ProcessConfig("web", "granian"), {})
    (argv,) = backend.commands([])
    assert f"--workers-kill-timeout={WORKERS_KILL_TIMEOUT}" in argv
    assert backend.default_stop_timeout(argv) == WORKERS_KILL_TIMEOUT + STOP_MARGIN
