"""Knocking on services: each probe against a real server that is up, down, or
not ready; and how often the wait says so (on a clock of its own)."""

from __future__ import annotations

import contextlib
import http.server
import re
import signal
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from django_prodserver.before.targets import Endpoint
from django_prodserver.before.waiting import (
    REPORT_EVERY,
    NotUp,
    TimedOut,
    Waiter,
    probe,
    reason,
)
from tests.processes import (
    HOST,
    PostgresServer,
    case_settings_env,
    free_port,
    get,
    launch,
    manage,
    prodserver,
    setting_of,
    wait_for_http,
)


def tcp(port: int, protocol: str = "tcp", **more: str) -> Endpoint:
    return Endpoint("the service", protocol, HOST, port, **more)


@contextlib.contextmanager
def listener(answer: bytes = b"", first: bool = False) -> Iterator[int]:
    """A loopback server that sends ``answer`` to each connection (before it
    reads, if ``first``: the server speaks first), then closes it."""
    server = socket.create_server((HOST, 0))
    port = server.getsockname()[1]

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = server.accept()
                with connection:
                    if first:
                        connection.sendall(answer)
                    connection.recv(1024)
                    if not first:
                        connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_RDWR)  # wakes the thread in accept()
        server.close()
        thread.join(5)


def test_tcp_is_up_when_it_accepts_and_down_when_refused() -> None:
    with listener() as port:
        probe(tcp(port))
    with pytest.raises(ConnectionRefusedError) as caught:
        probe(tcp(free_port()))
    assert reason(caught.value) == "Connection refused"


def test_a_unix_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "service.sock")
    endpoint = Endpoint("the service", "tcp", unix=path)
    with pytest.raises(FileNotFoundError):
        probe(endpoint)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen()
        probe(endpoint)


def redis_port(redis_url: str) -> int:
    return int(redis_url.rsplit(":", 1)[1].split("/")[0])


@pytest.mark.integration
def test_redis_is_up_when_it_answers_ping(redis_url: str) -> None:
    probe(tcp(redis_port(redis_url), "redis"))


@pytest.mark.integration
def test_redis_with_a_password_is_up_once_auth_and_ping_pass(
    redis_url: str, redis_client: Any
) -> None:
    port = redis_port(redis_url)
    redis_client.acl_setuser(
        "app", enabled=True, passwords=["+app pass"], commands=["+ping", "+auth"]
    )
    secret, app_secret = "s3cret", "app pass"
    redis_client.config_set("requirepass", secret)
    probe(tcp(port, "redis", password=secret))
    probe(tcp(port, "redis", user="app", password=app_secret))
    # Up, but not ready for a program that gives no password or a wrong one.
    with pytest.raises(NotUp) as caught:
        probe(tcp(port, "redis"))
    assert str(caught.value).startswith("NOAUTH Authentication required.")
    assert "give it in the URL" in str(caught.value)
    with pytest.raises(NotUp, match=r"^WRONGPASS"):
        probe(tcp(port, "redis", password=secret[::-1]))


def test_redis_loading_its_data_is_not_up_yet() -> None:
    loading = b"-LOADING Redis is loading the dataset in memory\r\n"
    with listener(loading) as port, pytest.raises(NotUp) as caught:
        probe(tcp(port, "redis"))
    assert str(caught.value) == "LOADING Redis is loading the dataset in memory"


@pytest.mark.integration
def test_postgresql_is_up_once_it_accepts_sessions(postgres: PostgresServer) -> None:
    endpoint = tcp(postgres.port, "postgres", user="postgres", database="postgres")
    with pytest.raises(ConnectionRefusedError):
        probe(endpoint)
    postgres.start()
    probe(endpoint)
    # Someone it does not know is still an answer: the server is up.
    probe(endpoint._replace(user="nobody_here", database="nothing"))


def postgres_error(code: str, message: str) -> bytes:
    fields = b"SFATAL\0C" + code.encode() + b"\0M" + message.encode() + b"\0\0"
    return b"E" + struct.pack("!i", len(fields) + 4) + fields


def test_postgresql_starting_up_is_not_up_yet() -> None:
    starting = postgres_error("57P03", "the database system is starting up")
    with listener(starting) as port, pytest.raises(NotUp) as caught:
        probe(tcp(port, "postgres"))
    assert str(caught.value) == "the database system is starting up"
    refused = postgres_error("28000", "no pg_hba.conf entry")
    with listener(refused) as port:
        probe(tcp(port, "postgres"))
    password = b"R" + struct.pack("!ii", 8, 3)  # AuthenticationCleartextPassword
    with listener(password) as port:
        probe(tcp(port, "postgres"))


# -- MySQL and AMQP (no server of theirs here: their first answers, built as
# their protocols define them) ---------------------------------------------------


def mysql_packet(payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "little") + b"\0" + payload


def mysql_greeting() -> bytes:
    """MySQL 8's initial handshake packet, protocol 10."""
    return mysql_packet(
        b"\x0a8.0.36\0" + struct.pack("<I", 42) + b"abcdefgh\0"
        + b"\xff\xf7\xff\x02\x00\xff\xdf\x15" + b"\0" * 10
        + b"ijklmnopqrst\0caching_sha2_password\0"
    )  # fmt: skip


def test_mysql_is_up_on_its_initial_handshake() -> None:
    with listener(mysql_greeting(), first=True) as port:
        probe(tcp(port, "mysql"))
    too_many = mysql_packet(b"\xff\x10\x04#08004Too many connections")
    with listener(too_many, first=True) as port, pytest.raises(NotUp) as caught:
        probe(tcp(port, "mysql"))
    assert str(caught.value) == "Too many connections"
    refused = mysql_packet(b"\xff\x6a\x04Host '10.0.0.9' is not allowed to connect")
    with listener(refused, first=True) as port, pytest.raises(NotUp) as caught:
        probe(tcp(port, "mysql"))
    assert str(caught.value) == "Host '10.0.0.9' is not allowed to connect"


def amqp_connection_start() -> bytes:
    arguments = b"\x00\x09" + struct.pack("!I", 0)  # 0-9, no server properties
    arguments += struct.pack("!I", 5) + b"PLAIN" + struct.pack("!I", 5) + b"en_US"
    payload = struct.pack("!HH", 10, 10) + arguments
    return struct.pack("!BHI", 1, 0, len(payload)) + payload + b"\xce"


def test_amqp_is_up_when_it_answers_the_header_with_connection_start() -> None:
    with listener(amqp_connection_start()) as port:
        probe(tcp(port, "amqp"))
    with listener(b"AMQP\x00\x01\x00\x00") as port, pytest.raises(NotUp) as caught:
        probe(tcp(port, "amqp"))
    assert str(caught.value) == "the broker speaks AMQP 1.0.0, not 0-9-1"


# -- A port that answers, but not in the service's protocol ----------------------


@pytest.mark.parametrize("protocol", ["redis", "postgres", "mysql", "amqp"])
def test_an_http_server_on_the_port_is_not_the_service(
    http_port: int, protocol: str
) -> None:
    with pytest.raises((NotUp, OSError)):
        probe(tcp(http_port, protocol), timeout=0.5)
    # Nor does a wait take it for one: it ends in a timeout that says why.
    clock, said = Clock(), []
    waiter = Waiter("web", 0.2, said.append, clock=clock, sleep=clock.sleep)
    with pytest.raises(TimedOut):
        waiter.wait(tcp(http_port, protocol))


@pytest.mark.parametrize("protocol", ["redis", "postgres", "mysql", "amqp"])
def test_a_port_that_only_accepts_is_not_the_service(protocol: str) -> None:
    with listener() as port, pytest.raises((NotUp, OSError)):
        probe(tcp(port, protocol), timeout=0.5)


class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = int(self.path.strip("/") or 200)
        self.send_response(status)
        self.send_header("Location", "/")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer((HOST, 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.parametrize("status", [200, 204, 301, 302])
def test_http_is_up_on_a_2xx_or_3xx_answer(http_port: int, status: int) -> None:
    probe(tcp(http_port, "http", path=f"/{status}"))


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_is_not_up_on_an_error(http_port: int, status: int) -> None:
    with pytest.raises(NotUp, match=f"it answered HTTP {status}"):
        probe(tcp(http_port, "http", path=f"/{status}"))


class Clock:
    """A clock that only moves when the waiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def test_the_wait_says_so_at_most_every_two_seconds_then_gives_up() -> None:
    clock, said = Clock(), []
    waiter = Waiter("web", 9, said.append, clock=clock, sleep=clock.sleep)
    port = free_port()
    with pytest.raises(TimedOut) as caught:
        waiter.wait(tcp(port))
    assert clock.now == pytest.approx(9)
    assert caught.value.error == "Connection refused"
    assert caught.value.endpoint.port == port
    assert said[0] == (
        f"web: waiting for the service at {HOST}:{port} (Connection refused; 0 s of 9)"
    )
    assert 4 <= len(said) <= 5  # 0, 2+, 4+, 6+ (8+)
    assert all("Connection refused" in line for line in said)


def test_the_wait_says_when_what_it_awaited_is_up() -> None:
    clock, said = Clock(), []
    waiter = Waiter("web", None, said.append, clock=clock, sleep=clock.sleep)
    with listener() as port:
        waiter.wait(tcp(port))  # up at once: nothing to say
        assert said == []
    # Down, then up: the same port taken by a server after a few tries.
    port = free_port()
    attempts = []

    def sleep(seconds: float) -> None:
        attempts.append(seconds)
        clock.sleep(seconds)
        if len(attempts) == 3:
            server.listen()

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, port))
    with server:
        Waiter("web", None, said.append, clock=clock, sleep=sleep).wait(tcp(port))
    assert said == [
        f"web: waiting for the service at {HOST}:{port} (Connection refused; 0 s)",
        f"web: the service at {HOST}:{port} is up",
    ]
    assert attempts == [0.1, 0.2, 0.4]  # a pause that grows
    assert REPORT_EVERY == 2.0


# -- The command: a real redis-server, or a web server where Redis should be -----


def release_waiting_for(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    """``manage.py prodserver release`` of an entry that waits for ``url`` for
    at most 2 s, then runs ``check``."""
    release = {
        "BACKEND": "django_prodserver.backends.release.Release",
        "WAIT_FOR": [url],
        "WAIT_TIMEOUT": 2,
        "BEFORE": ["check"],
    }
    tmp_path.mkdir()
    env = case_settings_env(tmp_path, setting_of({"release": release}))
    return manage("prodserver", "release", env=env, timeout=60)


@pytest.mark.integration
def test_the_command_waits_for_redis_and_not_for_a_web_server(
    tmp_path: Path, redis_url: str, http_port: int
) -> None:
    ready = release_waiting_for(tmp_path / "ready", redis_url)
    assert ready.returncode == 0, ready.stderr
    assert "waiting for" not in ready.stderr
    assert "System check identified no issues" in ready.stdout
    impostor = f"redis://{HOST}:{http_port}/0"
    refused = release_waiting_for(tmp_path / "impostor", impostor)
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert "System check" not in refused.stdout  # the step never ran
    assert (
        f"CommandError: PRODUCTION_PROCESSES['release']: {impostor} did not answer "
        "within 2 s (WAIT_TIMEOUT): it does not speak Redis's protocol"
    ) in refused.stderr


# -- WAIT_FOR "migrations" ---------------------------------------------------------


def migrations_env(tmp_path: Path, processes: dict[str, Any]) -> dict[str, str]:
    """The example project on a fresh (unmigrated) SQLite database."""
    env = case_settings_env(tmp_path, setting_of(processes))
    return {**env, "EXAMPLE_DB": str(tmp_path / "fresh.sqlite3")}


@pytest.mark.integration
def test_a_web_server_waits_for_the_migrations_then_serves(tmp_path: Path) -> None:
    port = free_port()
    web = {
        "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
        "ARGS": {"bind": f"{HOST}:{port}", "workers": 1},
        "WAIT_FOR": ["migrations"],
        "WAIT_TIMEOUT": 120,
    }
    env = migrations_env(tmp_path, {"web": web})
    with launch(prodserver("web"), tmp_path, env=env) as server:
        waiting = "web: waiting for the migrations of the database 'default' ("
        assert "migrations not applied; 0 s of 120)" in server.wait_for_text(waiting)
        with pytest.raises(ConnectionRefusedError):  # nothing listens yet
            get(f"http://{HOST}:{port}/database/", timeout=2)
        migrated = manage("migrate", "--noinput", env=env, timeout=120)
        assert migrated.returncode == 0, migrated.stderr
        server.wait_for_text(
            "web: the migrations of the database 'default' are all applied"
        )
        status, body = wait_for_http(f"http://{HOST}:{port}/database/", server.proc)
        assert (status, body["records"]) == (200, 0), body  # type: ignore[index]
        server.signal(signal.SIGTERM)
        assert server.wait() == 0, server.text()


def test_the_wait_for_migrations_ends_with_their_count(tmp_path: Path) -> None:
    release = {
        "BACKEND": "django_prodserver.backends.release.Release",
        "WAIT_FOR": ["migrations"],
        "WAIT_TIMEOUT": 1,
        "BEFORE": ["check"],
    }
    result = manage(
        "prodserver", "release", env=migrations_env(tmp_path, {"release": release})
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "System check" not in result.stdout  # the step never ran
    assert re.fullmatch(
        r"CommandError: PRODUCTION_PROCESSES\['release'\]: the migrations of the "
        r"database 'default' were not all applied within 1 s \(WAIT_TIMEOUT\): "
        r"\d+ migrations not applied\. HINT: Run the release step "
        r"\(manage\.py prodserver_migrate\), or raise WAIT_TIMEOUT\.",
        result.stderr.strip().splitlines()[-1],
    ), result.stderr


@pytest.mark.integration
def test_migrations_of_a_database_that_is_down_are_not_ready(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    release = {
        "BACKEND": "django_prodserver.backends.release.Release",
        "WAIT_FOR": ["migrations"],
        "WAIT_TIMEOUT": 1,
        "BEFORE": ["check"],
    }
    source = "from mysite.settings_postgres import DATABASES, INSTALLED_APPS\n"
    env = case_settings_env(tmp_path, source + setting_of({"release": release}))
    env["EXAMPLE_PG_PORT"] = str(port)
    result = manage("prodserver", "release", env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "CommandError: PRODUCTION_PROCESSES['release']: the migrations of the "
        "database 'default' were not all applied within 1 s (WAIT_TIMEOUT): "
    ), result.stderr
    assert f"port {port} failed: Connection refused" in last  # the driver's words
