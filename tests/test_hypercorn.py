"""Hypercorn through ``prodserver``: argv tables, checks and real servers."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from django_prodserver.backends.base import STOP_MARGIN, ProcessConfig
from django_prodserver.backends.hypercorn import GRACEFUL_TIMEOUT, HypercornServer
from tests.commands import entry_messages
from tests.parsers import check_argparse_options, parser_built_by
from tests.processes import (
    REAL_SERVER_CHECKS,
    InFlight,
    RealServerCheck,
    WebServer,
    backend_argv,
    launch,
    manage,
    wait_for_http,
)

HYPERCORN = "django_prodserver.backends.hypercorn.HypercornServer"
TARGET = "mysite.asgi:application"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, []),
        ({"bind": "0.0.0.0:8000"}, ["--bind=0.0.0.0:8000"]),
        (
            {"bind": ["0.0.0.0:8000", "unix:/run/h.sock"]},
            ["--bind=0.0.0.0:8000", "--bind=unix:/run/h.sock"],
        ),
        ({"b": "127.0.0.1:8000", "w": 1}, ["--bind=127.0.0.1:8000", "--workers=1"]),
        ({"workers": 1}, ["--workers=1"]),
        ({"graceful-timeout": 10}, ["--graceful-timeout=10"]),
        ({"graceful_timeout": 10}, ["--graceful-timeout=10"]),
        ({"access-logfile": "-"}, ["--access-logfile=-"]),
        ({"log-level": "info"}, ["--log-level=info"]),
        ({"worker-class": "uvloop"}, ["--worker-class=uvloop"]),
        ({"keep-alive": 5}, ["--keep-alive=5"]),
        (
            {"certfile": "c.pem", "keyfile": "k.pem"},
            ["--certfile=c.pem", "--keyfile=k.pem"],
        ),
        ({"quic-bind": "0.0.0.0:4433"}, ["--quic-bind=0.0.0.0:4433"]),
        ({"reload": True, "debug": "no"}, ["--reload"]),
        # Names of hypercorn's configuration file.
        (
            {"accesslog": "-", "errorlog": "-"},
            ["--access-logfile=-", "--error-logfile=-"],
        ),
        ({"loglevel": "debug"}, ["--log-level=debug"]),
        ({"keep_alive_timeout": 5}, ["--keep-alive=5"]),
        ({"log-file": "-"}, ["--error-logfile=-"]),
    ],
)  # fmt: skip
def test_argv(args: dict[str, Any], expected: list[str]) -> None:
    assert backend_argv(HypercornServer, args) == [*expected, TARGET]


@pytest.mark.parametrize(
    ("args", "extra", "environ", "expected"),
    [
        ({}, [], {"PORT": "5000"}, ["--bind=0.0.0.0:5000"]),
        ({"bind": "unix:/h.sock"}, [], {"PORT": "5000"}, ["--bind=unix:/h.sock"]),
        (
            {"bind": "127.0.0.1:8000"}, ["-b", "127.0.0.1:9000"], {},
            ["-b", "127.0.0.1:9000"],
        ),
        (
            {"workers": 1, "log-level": "info"}, ["--log-level=debug"], {},
            ["--workers=1", "--log-level=debug"],
        ),
    ],
)  # fmt: skip
def test_port_default_and_overrides(
    args: dict[str, Any], extra: list[str], environ: dict[str, str], expected: list[str]
) -> None:
    assert backend_argv(HypercornServer, args, extra, environ) == [*expected, TARGET]


def test_signals() -> None:
    assert HypercornServer.stop_signal == "SIGTERM"
    assert HypercornServer.accepted_signals == {"SIGINT", "SIGTERM"}


def test_unknown_option_did_you_mean() -> None:
    entry = {"BACKEND": HYPERCORN, "ARGS": {"graceful-timout": 10}}
    (message,) = entry_messages("web", entry)
    assert message.id == "prodserver.W002"
    assert message.hint == "Did you mean 'graceful-timeout'?"


@pytest.mark.parametrize(
    ("args", "warned"),
    [
        ({}, False),
        ({"workers": 1}, False),
        ({"workers": 0}, False),
        ({"workers": 2}, True),
        ({"w": "4"}, True),
    ],
)
def test_two_workers_or_more_are_warned_about(
    args: dict[str, Any], warned: bool
) -> None:
    ids = [m.id for m in entry_messages("web", {"BACKEND": HYPERCORN, "ARGS": args})]
    assert ids == (["prodserver.W011"] if warned else [])


HYPERCORN_SERVER = WebServer(
    "hypercorn", address=("--bind=127.0.0.1:{port}",), asgi=True, single_process=False
)


@pytest.mark.integration
@pytest.mark.parametrize("check", REAL_SERVER_CHECKS, ids=lambda c: c.__name__[6:])
def test_real_server(check: RealServerCheck, tmp_path: Path, port: int) -> None:
    check(HYPERCORN_SERVER, tmp_path, port)


@pytest.mark.integration
def test_with_two_workers_sigterm_drops_the_request_in_flight(
    tmp_path: Path, port: int
) -> None:
    """What prodserver.W011 says: with 2 workers the request gets no answer."""
    argv = HYPERCORN_SERVER.argv(port, "--workers=2")
    with launch(argv, tmp_path) as launched:
        wait_for_http(HYPERCORN_SERVER.url(port), launched.proc)
        with InFlight(HYPERCORN_SERVER.url(port, slow=True)) as request:
            launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()
    assert request.status is None, request.body


@pytest.mark.integration
def test_dry_run() -> None:
    result = manage(
        "prodserver", "hypercorn", "--settings=mysite.settings_web", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith(
        "hypercorn --bind=127.0.0.1:8007 --access-logfile=- mysite.asgi:application"
    )


# -- the installed hypercorn -----------------------------------------------------


def test_every_hypercorn_option_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """The option lists match the installed hypercorn's argparse parser."""
    from hypercorn.__main__ import main

    parser = parser_built_by(lambda: main([]), monkeypatch)
    check_argparse_options(parser, HypercornServer.option_rules)


def test_graceful_timeout_is_hypercorns_default() -> None:
    from hypercorn.config import Config

    assert Config().graceful_timeout == GRACEFUL_TIMEOUT
    backend = HypercornServer(ProcessConfig("web", "hypercorn"), {})
    assert backend.default_stop_timeout([]) == GRACEFUL_TIMEOUT + STOP_MARGIN
