"""Daphne through ``prodserver``: argv tables and a real server."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from django_prodserver.backends.daphne import DaphneServer
from tests.commands import entry_messages
from tests.parsers import check_argparse_options
from tests.processes import (
    InFlight,
    WebServer,
    backend_argv,
    check_serves_and_stops,
    launch,
    wait_for_http,
)

DAPHNE = "django_prodserver.backends.daphne.DaphneServer"
TARGET = "mysite.asgi:application"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, []),
        ({"bind": "0.0.0.0", "port": 8000}, ["--bind=0.0.0.0", "--port=8000"]),
        ({"host": "0.0.0.0", "port": "8000"}, ["--bind=0.0.0.0", "--port=8000"]),
        ({"b": "0.0.0.0", "p": 8000}, ["--bind=0.0.0.0", "--port=8000"]),
        ({"unix-socket": "/run/d.sock"}, ["--unix-socket=/run/d.sock"]),
        ({"fd": 3}, ["--fd=3"]),
        (
            {"endpoint": ["tcp:port=8000", "unix:/run/d.sock"]},
            ["--endpoint=tcp:port=8000", "--endpoint=unix:/run/d.sock"],
        ),
        ({"endpoints": "tcp:port=80"}, ["--endpoint=tcp:port=80"]),
        ({"proxy-headers": True}, ["--proxy-headers"]),
        ({"proxy_headers": "false"}, []),
        ({"no-server-name": "yes"}, ["--no-server-name"]),
        ({"application-close-timeout": 20}, ["--application-close-timeout=20"]),
        ({"http_timeout": 60}, ["--http-timeout=60"]),
        # Two of daphne's options are spelled with underscores.
        ({"websocket-timeout": 3600}, ["--websocket_timeout=3600"]),
        ({"websocket_connect_timeout": 5}, ["--websocket_connect_timeout=5"]),
        ({"access-log": "-", "verbosity": 2}, ["--access-log=-", "--verbosity=2"]),
        ({"root-path": "/app"}, ["--root-path=/app"]),
    ],
)
def test_argv(args: dict[str, Any], expected: list[str]) -> None:
    assert backend_argv(DaphneServer, args) == [*expected, TARGET]


@pytest.mark.parametrize(
    ("args", "extra", "environ", "expected"),
    [
        ({}, [], {"PORT": "5000"}, ["--bind=0.0.0.0", "--port=5000"]),
        ({"port": 8000}, [], {"PORT": "5000"}, ["--port=8000"]),
        ({"host": "10.0.0.1"}, [], {"PORT": "5000"}, ["--bind=10.0.0.1"]),
        ({"unix-socket": "/d.sock"}, [], {"PORT": "5000"}, ["--unix-socket=/d.sock"]),
        ({"fd": 3}, [], {"PORT": "5000"}, ["--fd=3"]),
        ({"port": 8000}, ["-p", "9000"], {}, ["-p", "9000"]),
    ],
)  # fmt: skip
def test_port_default_and_overrides(
    args: dict[str, Any], extra: list[str], environ: dict[str, str], expected: list[str]
) -> None:
    assert backend_argv(DaphneServer, args, extra, environ) == [*expected, TARGET]


def test_signals() -> None:
    assert DaphneServer.stop_signal == "SIGTERM"
    assert DaphneServer.accepted_signals == {"SIGINT", "SIGTERM"}


def test_unknown_option_did_you_mean() -> None:
    entry = {"BACKEND": DAPHNE, "ARGS": {"ping-intervall": 5, "ping-timeout": 30}}
    (message,) = entry_messages("web", entry)
    assert message.id == "prodserver.W002"
    assert message.hint == "Did you mean 'ping-interval'?"


DAPHNE_SERVER = WebServer(
    "daphne", address=("--bind=127.0.0.1", "--port={port}"), asgi=True
)


@pytest.mark.integration
@pytest.mark.parametrize("spawn", [False, True], ids=["exec", "spawn"])
def test_serves_and_stops_on_sigterm(tmp_path: Path, port: int, spawn: bool) -> None:
    check_serves_and_stops(DAPHNE_SERVER, tmp_path, port, spawn=spawn)


@pytest.mark.integration
def test_sigterm_drops_the_request_in_flight(tmp_path: Path, port: int) -> None:
    """What the documentation says: daphne exits 0, and the request gets no answer."""
    with launch(DAPHNE_SERVER.argv(port), tmp_path) as launched:
        wait_for_http(DAPHNE_SERVER.url(port), launched.proc)
        with InFlight(DAPHNE_SERVER.url(port, slow=True)) as request:
            launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()
    assert request.status is None, request.body
    assert "Killed 1 pending application instances" in launched.text()


# -- the installed daphne --------------------------------------------------------


def test_every_daphne_option_is_known() -> None:
    """The option lists match the installed daphne's argparse parser. (Daphne
    has no stop budget to compare: it sets no bound on its stop.)"""
    from daphne.cli import CommandLineInterface

    check_argparse_options(CommandLineInterface().parser, DaphneServer.option_rules)
