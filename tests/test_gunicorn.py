"""Gunicorn through ``prodserver``: real servers on 127.0.0.1."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from django_prodserver.addresses import Address
from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.gunicorn import GunicornServer
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    InFlight,
    backend_argv,
    check_dry_run_line_serves,
    example_env,
    launch,
    manage,
    prodserver,
    wait_for_http,
)

pytestmark = pytest.mark.integration


def test_dry_run_line_serves_when_run_in_sh(tmp_path: Path, port: int) -> None:
    args = ["web", "--", f"--bind={HOST}:{port}"]
    check_dry_run_line_serves(args, tmp_path, port, "mysite.settings")


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
