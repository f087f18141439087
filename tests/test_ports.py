"""A web server's port that another program holds stops the launch first."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from django_prodserver.launch.ports import bind_host, is_taken

from .processes import free_ports, launch, manage, prodserver, wait_for_http


@pytest.mark.parametrize(
    ("host", "family", "address"),
    [
        ("127.0.0.1", socket.AF_INET, "127.0.0.1"),
        ("", socket.AF_INET, "0.0.0.0"),
        ("0.0.0.0", socket.AF_INET, "0.0.0.0"),
        ("::", socket.AF_INET6, "::"),
        ("[::1]", socket.AF_INET6, "::1"),
    ],
)
def test_bind_host(host: str, family: socket.AddressFamily, address: str) -> None:
    assert bind_host(host) == (family, address)


def test_is_taken_while_a_socket_listens() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        listener.listen()
        assert is_taken("127.0.0.1", port)
        assert is_taken("0.0.0.0", port)
    assert not is_taken("127.0.0.1", port)


@pytest.mark.integration
def test_port_held_by_gunicorn_stops_the_launch_before_anything_starts(
    tmp_path: Path,
) -> None:
    """A real gunicorn holds the port: the second launch names the entry, the
    port and that gunicorn, exits 1, and starts neither of its programs."""
    taken, free = free_ports(2)
    holder = prodserver(
        "gunicorn", "--settings=mysite.settings_web", "--", f"--bind=127.0.0.1:{taken}"
    )
    with launch(holder, tmp_path) as running:
        wait_for_http(f"http://127.0.0.1:{taken}/", running.proc)
        result = manage(
            "prodserver",
            "uvicorn",
            "gunicorn",
            "--settings=mysite.settings_web",
            "--",
            f"gunicorn:--bind=127.0.0.1:{taken}",
            f"uvicorn:--port={free}",
            timeout=60,
        )
        assert result.returncode == 1
        assert result.stdout == ""
        (line,) = result.stderr.strip().splitlines()
        assert f"gunicorn: port {taken} is already in use by gunicorn " in line
        assert f"(pid {running.pid})" in line
        assert "Traceback" not in result.stderr
        with socket.socket() as probe:  # uvicorn never started
            assert probe.connect_ex(("127.0.0.1", free)) != 0
