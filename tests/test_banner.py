"""The start-up banner: one line on standard error per program started."""

from __future__ import annotations

import re
import socket
from collections.abc import Sequence
from pathlib import Path

import pytest

from django_prodserver.launch.banner import banner_line, program_name, web_url
from django_prodserver.launch.plan import Plan

from .processes import free_ports, launch, prodserver, wait_for_http

#: ``prodserver: NAME: PROGRAM, pid N[, URL]``
BANNER = re.compile(r"^prodserver: (\S+): (\S+), pid (\d+)(?:, (\S+))?$", re.M)


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000/"),
        ("localhost", 80, "http://localhost:80/"),
        ("::1", 8000, "http://[::1]:8000/"),
        ("[::1]", 8000, "http://[::1]:8000/"),
        ("0.0.0.0", 8000, f"http://{socket.gethostname()}:8000/"),
        ("", 5000, f"http://{socket.gethostname()}:5000/"),
        ("::", 8000, f"http://{socket.gethostname()}:8000/"),
    ],
)
def test_web_url(host: str, port: int, url: str) -> None:
    assert web_url(host, port) == url


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["/venv/bin/gunicorn", "--bind=:8000"], "gunicorn"),
        (["/usr/bin/python3", "-m", "celery", "worker"], "celery"),
        (["/usr/bin/python3", "-m"], "python3"),
        (["python3", "-m", "django", "db_worker", "--interval=1"], "django db_worker"),
        (["python3", "-m", "django"], "django"),
        (("python3", "-m", "django", "qcluster"), "django qcluster"),
        (["uwsgi"], "uwsgi"),
    ],
)
def test_program_name(argv: Sequence[str], name: str) -> None:
    assert program_name(argv) == name


def test_banner_line_without_url() -> None:
    plan = Plan("worker", "b", ["/venv/bin/celery", "worker"], {}, "/")
    assert banner_line(plan, 42) == "prodserver: worker: celery, pid 42\n"


def web_args(port: int, *more: str) -> list[str]:
    return prodserver(
        "gunicorn",
        "--settings=mysite.settings_web",
        *more,
        "--",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
    )


@pytest.mark.integration
def test_exec_banner_names_the_program_its_pid_and_url(tmp_path: Path) -> None:
    """The program keeps the launcher's pid: the banner's pid serves."""
    (port,) = free_ports(1)
    with launch(web_args(port), tmp_path, stderr_only=True) as launched:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/", launched.proc)
        assert status == 200
        banners = BANNER.findall(launched.text())
        url = f"http://127.0.0.1:{port}/"
        assert banners == [("gunicorn", "gunicorn", str(launched.pid), url)]
        assert isinstance(body, dict)
        assert body["pid"] != launched.pid  # a worker of the gunicorn banner's pid
        assert body["ppid"] == launched.pid


@pytest.mark.integration
def test_spawn_banner_gives_each_child_its_own_pid(tmp_path: Path) -> None:
    gunicorn_port, uvicorn_port = free_ports(2)
    args = prodserver(
        "gunicorn",
        "uvicorn",
        "--settings=mysite.settings_web",
        "--",
        f"gunicorn:--bind=127.0.0.1:{gunicorn_port}",
        "gunicorn:--workers=1",
        f"uvicorn:--port={uvicorn_port}",
    )
    with launch(args, tmp_path, stderr_only=True) as launched:
        _, body = wait_for_http(f"http://127.0.0.1:{uvicorn_port}/", launched.proc)
        wait_for_http(f"http://127.0.0.1:{gunicorn_port}/", launched.proc)
        text = launched.wait_for_text("prodserver: uvicorn:")
        found = {name: rest for name, *rest in BANNER.findall(text)}
        assert found.keys() == {"gunicorn", "uvicorn"}
        assert found["uvicorn"][0] == "uvicorn"
        assert found["uvicorn"][2] == f"http://127.0.0.1:{uvicorn_port}/"
        assert found["gunicorn"][2] == f"http://127.0.0.1:{gunicorn_port}/"
        pids = {int(found[name][1]) for name in found}
        assert pids == {child.pid for child in launched.children()}
        assert isinstance(body, dict)
        assert body["pid"] == int(found["uvicorn"][1])


@pytest.mark.integration
def test_quiet_prints_no_banner(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    args = web_args(port, "--quiet", "--spawn")
    with launch(args, tmp_path, stderr_only=True) as launched:
        status, _ = wait_for_http(f"http://127.0.0.1:{port}/", launched.proc)
        assert status == 200
        assert "gunicorn" in "".join(p.name() for p in launched.children())
        assert not BANNER.findall(launched.text())
        assert "prodserver:" not in launched.text()
