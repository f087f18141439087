"""Gunicorn through ``prodserver``: real servers on 127.0.0.1."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import psutil
import pytest

from django_prodserver.backends.base import STOP_MARGIN, ProcessConfig
from django_prodserver.backends.gunicorn import (
    FLAGS,
    GRACEFUL_TIMEOUT,
    SHORT,
    GunicornServer,
)
from django_prodserver.config.addresses import Address
from tests.parsers import accepted, long_names
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    InFlight,
    Launched,
    backend_argv,
    check_dry_run_line_serves,
    example_env,
    free_ports,
    launch,
    manage,
    prodserver,
    wait_for_http,
    wait_until,
)


@pytest.mark.integration
def test_dry_run_line_serves_when_run_in_sh(tmp_path: Path, port: int) -> None:
    args = ["web", "--", f"--bind={HOST}:{port}"]
    check_dry_run_line_serves(args, tmp_path, port, "mysite.settings")


@pytest.mark.integration
def test_prodserver_web_is_the_gunicorn_master(tmp_path: Path, port: int) -> None:
    with launch(prodserver("web", "--", f"--bind={HOST}:{port}"), tmp_path) as server:
        status, body = wait_for_http(f"http://{HOST}:{port}/", server.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["ppid"] == server.pid  # the worker's parent is the launched PID
        tree = server.remember_tree()
        assert len(tree) == 3  # master + 2 workers
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
        assert not server.alive()
        assert "Starting gunicorn" in server.text()


@pytest.mark.integration
def test_alternative_settings_from_another_directory(
    tmp_path: Path, port: int, other_dir: Path
) -> None:
    argv = prodserver(
        "web", "--settings=mysite.settings_alt", "--", f"--bind={HOST}:{port}"
    )
    with launch(argv, tmp_path, cwd=other_dir) as server:
        status, body = wait_for_http(f"http://{HOST}:{port}/", server.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert (body["settings"], body["label"]) == (
            "mysite.settings_alt",
            "alternative",
        )
        server.signal(signal.SIGTERM)
        assert server.wait() == 0


@pytest.mark.integration
def test_sigterm_lets_an_in_flight_request_finish(tmp_path: Path, port: int) -> None:
    with launch(prodserver("web", "--", f"--bind={HOST}:{port}"), tmp_path) as server:
        wait_for_http(f"http://{HOST}:{port}/", server.proc)
        with InFlight(f"http://{HOST}:{port}/slow/?seconds=2") as request:
            server.signal(signal.SIGTERM)
        assert request.status == 200
        assert server.wait() == 0


def test_example_project_is_importable_only_through_pythonpath(other_dir: Path) -> None:
    """Without prodserver's PYTHONPATH, gunicorn cannot find the project elsewhere."""
    result = manage("prodserver", "web", "--dry-run", "--format=json", cwd=other_dir)
    assert result.returncode == 0
    bare = subprocess.run(
        ["python", "-c", "import mysite"],
        cwd=other_dir, env=example_env(), capture_output=True, text=True, check=False,
        timeout=60,
    )  # fmt: skip
    assert bare.returncode != 0
    assert str(EXAMPLE_DIR) in result.stdout


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        ({}, {}, [("127.0.0.1", 8000)]),  # gunicorn's own default
        ({}, {"PORT": "5000"}, [("0.0.0.0", 5000)]),
        ({"bind": "0.0.0.0:8001"}, {"PORT": "5000"}, [("0.0.0.0", 8001)]),
        ({"b": "10.0.0.1:81"}, {}, [("10.0.0.1", 81)]),
        ({"bind": "example.com"}, {}, [("example.com", 8000)]),
        ({"bind": "tcp://[::1]:82"}, {}, [("::1", 82)]),
        ({"bind": ""}, {}, [("0.0.0.0", 8000)]),
        ({"bind": ["a:1", "unix:/g.sock", "fd://3", "b:2"]}, {}, [("a", 1), ("b", 2)]),
        ({"bind": "unix:/run/g.sock"}, {}, []),
    ],
)  # fmt: skip
def test_listen_addresses_read_bind_as_gunicorn_does(
    args: dict[str, object], environ: dict[str, str], expected: list[Address]
) -> None:
    config = ProcessConfig("web", "gunicorn", args=args)  # type: ignore[arg-type]
    assert GunicornServer(config, environ).listen_addresses() == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"keepalive": 5}, ["--keep-alive=5"]),
        ({"accesslog": "-"}, ["--access-logfile=-"]),
        ({"errorlog": "-"}, ["--error-logfile=-"]),
        ({"loglevel": "info"}, ["--log-level=info"]),
        ({"preload_app": True}, ["--preload"]),
        ({"proc_name": "web"}, ["--name=web"]),
        ({"raw_env": ["A=1", "B=2"]}, ["--env=A=1", "--env=B=2"]),
        ({"limit_request_field_size": 100}, ["--limit-request-field_size=100"]),
        ({"worker-class": "gevent"}, ["--worker-class=gevent"]),
    ],
)  # fmt: skip
def test_configuration_file_names_are_aliases(
    args: dict[str, object], expected: list[str]
) -> None:
    argv = backend_argv(GunicornServer, args, environ={})
    assert argv[: len(expected)] == expected
    assert argv[-1] == "mysite.wsgi:application"


def test_every_gunicorn_option_is_known() -> None:
    """The option lists match the installed gunicorn's own settings."""
    from gunicorn.config import KNOWN_SETTINGS

    options = {name for s in KNOWN_SETTINGS for name in long_names(s.cli or [])}
    flags = {
        name
        for s in KNOWN_SETTINGS
        if s.action in ("store_true", "store_const")
        for name in long_names(s.cli or [])
    }
    shorts = {
        text[1]: long
        for s in KNOWN_SETTINGS
        for text in s.cli or []
        if len(text) == 2
        for long in long_names(s.cli)
    }
    assert options <= accepted(GunicornServer.option_rules)
    assert flags == FLAGS
    assert shorts == SHORT


def test_graceful_timeout_is_gunicorns_default() -> None:
    from gunicorn.config import Config

    assert Config().graceful_timeout == GRACEFUL_TIMEOUT
    backend = GunicornServer(ProcessConfig("web", "gunicorn"), {})
    assert backend.default_stop_timeout([]) == GRACEFUL_TIMEOUT + STOP_MARGIN


# -- spawn mode and several processes -------------------------------------------

MULTI = "--settings=mysite.settings_multi"


def workers(master: psutil.Process) -> set[int]:
    return {child.pid for child in master.children()}


@pytest.mark.integration
def test_spawn_hup_replaces_the_workers(tmp_path: Path, port: int) -> None:
    argv = prodserver("web", "--spawn", "--", f"--bind={HOST}:{port}")
    with launch(argv, tmp_path) as launcher:
        wait_for_http(f"http://{HOST}:{port}/", launcher.proc)
        (master,) = launcher.children()
        old = workers(master)
        assert len(old) == 2
        launcher.signal(signal.SIGHUP)

        def replaced() -> bool:
            new = workers(master)
            return len(new) == 2 and not new & old

        assert wait_until(replaced, timeout=30)
        status, body = wait_for_http(f"http://{HOST}:{port}/", launcher.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["ppid"] == master.pid
        assert body["pid"] not in old
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
    assert "Hang up: Master" in launcher.text()


@pytest.mark.integration
def test_spawn_sigterm_lets_an_in_flight_request_finish(
    tmp_path: Path, port: int
) -> None:
    argv = prodserver("web", "--spawn", "--", f"--bind={HOST}:{port}")
    with launch(argv, tmp_path) as launcher:
        wait_for_http(f"http://{HOST}:{port}/", launcher.proc)
        (master,) = launcher.children()
        assert master.pid != launcher.pid
        with InFlight(f"http://{HOST}:{port}/slow/?seconds=2") as request:
            launcher.signal(signal.SIGTERM)
        assert request.status == 200, request.error
        assert launcher.wait() == 0
        assert not launcher.alive()


@pytest.fixture
def two_ports() -> dict[str, str]:
    port_a, port_b = free_ports(2)
    return {"WEB_A_PORT": str(port_a), "WEB_B_PORT": str(port_b)}


def serve_both(launcher: Launched, ports: dict[str, str]) -> None:
    for port in ports.values():
        status, _ = wait_for_http(f"http://{HOST}:{port}/", launcher.proc)
        assert status == 200


@pytest.mark.integration
def test_two_servers_serve_and_stop_together(
    tmp_path: Path, two_ports: dict[str, str]
) -> None:
    env = example_env(**two_ports)
    with launch(prodserver("--all", MULTI), tmp_path, env=env) as launcher:
        serve_both(launcher, two_ports)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
        assert not launcher.alive()
        text = launcher.text()
    for line in text.splitlines():
        # The start-up lines (standard error) have a prefix of their own.
        assert re.match(r"(web_a|web_b|prodserver) +\| |prodserver: ", line), line
    assert "web_a      | " in text
    assert "web_b      | " in text
    assert "web_a stopped with status 0" in text
    assert "web_b stopped with status 0" in text


@pytest.mark.integration
def test_one_server_dying_stops_the_other(
    tmp_path: Path, two_ports: dict[str, str]
) -> None:
    env = example_env(**two_ports)
    with launch(prodserver("web_a", "web_b", MULTI), tmp_path, env=env) as launcher:
        serve_both(launcher, two_ports)
        masters = launcher.started()
        assert set(masters) == {"web_a", "web_b"}, launcher.text()
        launcher.remember_tree()
        # Still our child, not yet reaped: its PID cannot have been reused.
        os.kill(masters["web_a"], signal.SIGKILL)
        status = launcher.wait()
        text = launcher.text()
        assert status == 128 + signal.SIGKILL, text
        assert not launcher.alive(), text
    assert "web_a exited with status 137" in text
    assert "web_b stopped with status 0" in text
