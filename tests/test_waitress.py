"""Waitress through ``prodserver``: argv tables, the SIGTERM shim, real servers."""

from __future__ import annotations

import functools
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from django_prodserver import waitress_serve
from django_prodserver.backends.base import STOP_MARGIN, ProcessConfig
from django_prodserver.backends.waitress import (
    NEGATABLE,
    SHIM,
    SHUTDOWN_TIMEOUT,
    WaitressServer,
)
from tests.commands import entry_messages
from tests.parsers import accepted
from tests.processes import (
    HOST,
    REAL_SERVER_CHECKS,
    InFlight,
    RealServerCheck,
    WebServer,
    backend_argv,
    check_dry_run_line_serves,
    launch,
    manage,
    wait_for_http,
    wait_until,
)

TARGET = "mysite.wsgi:application"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, []),
        ({"port": "8000", "threads": "4"}, ["--port=8000", "--threads=4"]),
        ({"host": "0.0.0.0", "port": 8000}, ["--host=0.0.0.0", "--port=8000"]),
        ({"listen": "127.0.0.1:8000"}, ["--listen=127.0.0.1:8000"]),
        (
            {"listen": ["127.0.0.1:8000", "[::1]:8000"]},
            ["--listen=127.0.0.1:8000", "--listen=[::1]:8000"],
        ),
        ({"unix-socket": "/run/w.sock"}, ["--unix-socket=/run/w.sock"]),
        ({"connection-limit": "500"}, ["--connection-limit=500"]),
        ({"channel_timeout": 120}, ["--channel-timeout=120"]),
        ({"expose-tracebacks": "False"}, ["--no-expose-tracebacks"]),
        ({"expose-tracebacks": True}, ["--expose-tracebacks"]),
        ({"ipv6": "yes", "ipv4": "no"}, ["--ipv6", "--no-ipv4"]),
        ({"no-ipv6": True}, ["--no-ipv6"]),
        ({"log-socket-errors": False}, ["--no-log-socket-errors"]),
        ({"asyncore-use-poll": "true"}, ["--asyncore-use-poll"]),
        ({"call": True}, ["--call"]),
        ({"call": "False"}, []),
        ({"url-prefix": "/app"}, ["--url-prefix=/app"]),
    ],
)
def test_argv_has_options_before_the_target(
    args: dict[str, Any], expected: list[str]
) -> None:
    assert backend_argv(WaitressServer, args) == [*expected, TARGET]


@pytest.mark.parametrize(
    ("args", "extra", "environ", "expected"),
    [
        ({}, [], {"PORT": "5000"}, ["--host=0.0.0.0", "--port=5000"]),
        ({"port": 8000}, [], {"PORT": "5000"}, ["--port=8000"]),
        ({"listen": "*:8000"}, [], {"PORT": "5000"}, ["--listen=*:8000"]),
        ({"unix-socket": "/w.sock"}, [], {"PORT": "5000"}, ["--unix-socket=/w.sock"]),
        # --listen cannot be mixed with --host/--port: one replaces the others.
        (
            {"host": "0.0.0.0", "port": 8000, "threads": 4},
            ["--listen=127.0.0.1:9000"],
            {},
            ["--threads=4", "--listen=127.0.0.1:9000"],
        ),
        (
            {"listen": "0.0.0.0:8000", "threads": 4},
            ["--port=9000"],
            {},
            ["--threads=4", "--port=9000"],
        ),
        (
            {},
            ["--listen=127.0.0.1:9000"],
            {"PORT": "5000"},
            ["--listen=127.0.0.1:9000"],
        ),
        (
            {"host": "127.0.0.1", "port": 8000},
            ["--port", "9000"],
            {},
            ["--host=127.0.0.1", "--port", "9000"],
        ),
    ],
)
def test_addresses_and_overrides(
    args: dict[str, Any],
    extra: list[str],
    environ: dict[str, str],
    expected: list[str],
) -> None:
    assert backend_argv(WaitressServer, args, extra, environ) == [*expected, TARGET]


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        ({}, {}, [("0.0.0.0", 8080)]),  # waitress's own default
        ({}, {"PORT": "5000"}, [("0.0.0.0", 5000)]),
        ({"port": 9000}, {}, [("0.0.0.0", 9000)]),
        ({"host": "127.0.0.1", "port": "81"}, {}, [("127.0.0.1", 81)]),
        ({"listen": "127.0.0.1:82"}, {}, [("127.0.0.1", 82)]),
        ({"listen": "*:83 [::1]:84"}, {}, [("*", 83), ("::1", 84)]),
        ({"listen": ["a:1", "b"]}, {}, [("a", 1), ("b", 8080)]),
        ({"unix-socket": "/run/w.sock"}, {}, []),
    ],
)  # fmt: skip
def test_listen_addresses(
    args: dict[str, Any], environ: dict[str, str], expected: list[tuple[str, int]]
) -> None:
    config = ProcessConfig("web", "waitress", args=args)
    assert WaitressServer(config, environ).listen_addresses() == expected


def test_runs_the_shim_with_this_python() -> None:
    backend = WaitressServer.__new__(WaitressServer)
    assert backend.program_argv() == [sys.executable, "-m", SHIM]
    assert WaitressServer.stop_signal == "SIGINT"
    assert WaitressServer.accepted_signals == {"SIGINT", "SIGTERM"}


def test_unknown_options_did_you_mean() -> None:
    entry = {
        "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
        "ARGS": {"threads": 4, "workers": 2, "no-ipv6": True},
    }
    (message,) = entry_messages("web", entry)
    assert message.id == "prodserver.W002"
    assert "'workers'" in message.msg


def test_shim_runs_waitress_serve() -> None:
    shim = [sys.executable, "-m", SHIM]
    run = functools.partial(subprocess.run, capture_output=True, text=True, timeout=60)
    helped = run([*shim, "--help"])
    assert helped.returncode == 0
    assert "waitress-serve [OPTS] MODULE:OBJECT" in helped.stdout
    refused = run([*shim, "--workers=2", TARGET])
    assert refused.returncode == 1
    assert "option --workers not recognized" in refused.stderr


def test_shim_turns_the_stop_signals_into_keyboard_interrupt() -> None:
    with pytest.raises(KeyboardInterrupt) as raised:
        waitress_serve.interrupt(signal.SIGTERM, None)
    assert isinstance(raised.value, waitress_serve.Stop)
    assert raised.value.signum == signal.SIGTERM


WAITRESS = WebServer("waitress", address=("--listen=127.0.0.1:{port}",))


@pytest.mark.integration
@pytest.mark.parametrize("check", REAL_SERVER_CHECKS, ids=lambda c: c.__name__[6:])
@pytest.mark.parametrize("server", [WAITRESS], ids=lambda s: s.name)
def test_real_server(
    check: RealServerCheck, server: WebServer, tmp_path: Path, port: int
) -> None:
    check(server, tmp_path, port)


@pytest.mark.integration
def test_a_second_sigterm_stops_at_once(tmp_path: Path, port: int) -> None:
    """Like a second Ctrl-C: the running request is given up, exit 128+15."""
    with launch(WAITRESS.argv(port), tmp_path) as server:
        wait_for_http(WAITRESS.url(port), server.proc)
        with InFlight(f"http://{HOST}:{port}/slow/?seconds=4") as request:
            threads = psutil.Process(server.pid).num_threads()
            server.signal(signal.SIGTERM)
            # Two signals at once would be handled as one: the second goes once
            # waitress has begun its stop (its idle threads end).
            assert wait_until(
                lambda: psutil.Process(server.pid).num_threads() < threads
            ), server.text()
            server.signal(signal.SIGTERM)
            assert server.wait() == 128 + signal.SIGTERM
        assert request.status is None


@pytest.mark.integration
def test_dry_run_shows_the_waitress_serve_options() -> None:
    result = manage(
        "prodserver", "waitress", "--settings=mysite.settings_web", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert (
        f"-m {SHIM} --host=127.0.0.1 --port=8001 --threads=4 {TARGET}" in result.stdout
    )


@pytest.mark.integration
def test_dry_run_line_serves_when_run_in_sh(tmp_path: Path, port: int) -> None:
    settings = "mysite.settings_web"
    args = ["waitress", f"--settings={settings}", "--", f"--port={port}"]
    check_dry_run_line_serves(args, tmp_path, port, settings)


# -- the installed waitress ------------------------------------------------------


def test_every_waitress_option_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """The option lists match the getopt options of the installed waitress."""
    import getopt

    from waitress.adjustments import Adjustments

    seen: list[str] = []

    def record(
        argv: list[str], short: str, long: list[str]
    ) -> tuple[list[str], list[str]]:
        seen.extend(long)
        return [], argv

    monkeypatch.setattr(getopt, "getopt", record)
    Adjustments.parse_args([])
    options = {name.removesuffix("=") for name in seen}
    negated = {name for name in options if name.startswith("no-")}
    # ``--sockets`` takes socket objects: it exists for waitress.serve(), and
    # no command line can give it one.
    assert options - {"sockets"} <= accepted(WaitressServer.option_rules)
    assert {name.removeprefix("no-") for name in negated} == NEGATABLE


def test_shutdown_timeout_is_waitress_own() -> None:
    """Waitress's dispatcher gives running requests this long when it stops."""
    import inspect

    from waitress.task import ThreadedTaskDispatcher

    timeout = inspect.signature(ThreadedTaskDispatcher.shutdown).parameters["timeout"]
    assert timeout.default == SHUTDOWN_TIMEOUT
    backend = WaitressServer(ProcessConfig("web", "waitress"), {})
    assert backend.default_stop_timeout([]) == SHUTDOWN_TIMEOUT + STOP_MARGIN
