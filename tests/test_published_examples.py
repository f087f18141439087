"""The documented example configurations start servers that serve.

``mysite.published`` holds the ``ARGS`` of every example of django-prodserver
3.0.0's granian, uvicorn, waitress and gunicorn pages, and of our configuration
reference. Each is
started as written, moved with arguments after ``--`` to a free port on
127.0.0.1 (or a socket in the test's directory, or a test certificate), with at
most two workers on this two-core machine.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import pytest
from mysite.published import EXAMPLES, GUNICORN, WAITRESS

from tests.commands import entry_messages
from tests.processes import CLEAN_STOP, HOST, launch, prodserver, wait_until

SETTINGS = "--settings=mysite.settings_published"
MAX_WORKERS = 2
#: Examples whose ASGI blocking threads granian refuses (prodserver passes 1).
ASGI_BLOCKING_THREADS = {"granian_asgi_high_performance"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_passes_the_checks(name: str) -> None:
    backend, args = EXAMPLES[name]
    messages = entry_messages(name, {"BACKEND": backend, "ARGS": args})
    expected = ["prodserver.W006"] if name in ASGI_BLOCKING_THREADS else []
    assert [m.id for m in messages] == expected, messages


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def fetch_h2(host: str, port: int, path: str) -> tuple[int, bytes]:
    """GET over cleartext HTTP/2 with prior knowledge (granian ``http: 2``)."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    headers = [
        (":method", "GET"), (":path", path), (":scheme", "http"),
        (":authority", f"{host}:{port}"),
    ]  # fmt: skip
    conn.send_headers(1, headers, end_stream=True)
    status, body = 0, b""
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(conn.data_to_send())
        while data := sock.recv(65536):
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    status = int(dict(event.headers)[b":status"])
                elif isinstance(event, h2.events.DataReceived):
                    body += event.data
                elif isinstance(event, h2.events.StreamEnded):
                    return status, body
            sock.sendall(conn.data_to_send())
    raise ConnectionError("the HTTP/2 stream did not end")


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert),
        ],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


class Target:
    """Where one example is moved to, and how to reach it there."""

    def __init__(self, name: str, tmp_path: Path, port: int) -> None:
        backend, args = EXAMPLES[name]
        self.socket_path: Path | None = None
        self.tls: ssl.SSLContext | None = None
        self.port = port
        self.http2 = str(args.get("http")) == "2"
        self.overrides = self.address(backend, args, tmp_path)
        if int(str(args.get("workers", 1))) > MAX_WORKERS:
            self.overrides.append(f"--workers={MAX_WORKERS}")
        if "user" in args:  # run the workers as ourselves, not www-data
            self.overrides.append(f"--user={os.getuid()}")
        if "ssl-cert" in args:
            cert, key = self_signed_certificate(tmp_path)
            self.overrides += [f"--ssl-certificate={cert}", f"--ssl-keyfile={key}"]
            self.tls = ssl.create_default_context(cafile=str(cert))
            self.tls.check_hostname = False
        asgi = "ASGI" in backend or backend.endswith("UvicornServer")
        self.path = "/async/" if asgi else "/"
        #: Workers to see answering before the stop: a granian worker still
        #: starting when SIGTERM arrives misses it (and is killed only after
        #: ``--workers-kill-timeout``).
        self.workers = (
            min(int(str(args.get("workers", 1))), MAX_WORKERS)
            if "granian" in backend
            else 1
        )

    def address(
        self, backend: str, args: dict[str, object], tmp_path: Path
    ) -> list[str]:
        unix = str(args.get("bind", "")).startswith("unix:") or "unix-socket" in args
        if unix:
            self.socket_path = tmp_path / "server.sock"
            if backend == GUNICORN:
                return [f"--bind=unix:{self.socket_path}"]
            return [f"--unix-socket={self.socket_path}"]
        if backend == GUNICORN:
            return [f"--bind={HOST}:{self.port}"]
        if backend == WAITRESS:
            return [f"--listen={HOST}:{self.port}"]
        return [f"--host={HOST}", f"--port={self.port}"]

    def connection(self) -> http.client.HTTPConnection:
        if self.socket_path is not None:
            return UnixHTTPConnection(self.socket_path, timeout=5)
        if self.tls is not None:
            return http.client.HTTPSConnection(
                HOST, self.port, timeout=5, context=self.tls
            )
        return http.client.HTTPConnection(HOST, self.port, timeout=5)

    def get(self) -> tuple[int, bytes] | None:
        try:
            if self.http2:
                return fetch_h2(HOST, self.port, self.path)
            return fetch(self.connection(), self.path)
        except OSError:
            return None


def pid_of(body: bytes) -> object:
    return json.loads(body).get("pid") if body.startswith(b"{") else None


@pytest.mark.integration
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_serves(name: str, tmp_path: Path, port: int) -> None:
    target = Target(name, tmp_path, port)
    with launch(
        prodserver(name, SETTINGS, "--", *target.overrides), tmp_path
    ) as server:
        answers: list[tuple[int, bytes]] = []

        def all_workers_answered() -> bool:
            assert server.proc.poll() is None, server.text()
            answer = target.get()
            answers.extend([answer] if answer else [])
            return len({pid_of(body) for _, body in answers}) >= target.workers

        assert wait_until(all_workers_answered, timeout=60), server.text()
        assert {status for status, _ in answers} == {200}, (answers, server.text())
        assert b'"settings": "mysite.settings_published"' in answers[0][1]
        server.signal(signal.SIGTERM)
        assert server.wait() in CLEAN_STOP, server.text()
