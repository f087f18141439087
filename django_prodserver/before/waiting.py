"""Wait until services answer: plain sockets and ``http.client``, nothing else.

Each endpoint is knocked on until it answers as a client would need it to
(:func:`probe`), or the time runs out. While it does not, one line at most every
:data:`REPORT_EVERY` seconds says what is awaited, where, and the last error.
No package of the program (no database driver, no Redis client) is imported.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import struct
import time
from collections.abc import Callable, Sequence

from .targets import Endpoint

#: The most often a line says that the wait goes on, in seconds.
REPORT_EVERY = 2.0
#: The longest one attempt may take, in seconds.
ATTEMPT_TIMEOUT = 2.0
#: The pause between attempts grows from the first to the last, in seconds.
FIRST_PAUSE, LAST_PAUSE = 0.1, 1.0
#: PostgreSQL's answer while it starts up, shuts down or recovers.
POSTGRES_CANNOT_CONNECT_NOW = "57P03"


class NotUp(Exception):
    """The endpoint answered, but not as a ready service does."""


class TimedOut(Exception):
    """An endpoint did not answer in time."""

    def __init__(self, endpoint: Endpoint, waited: float, error: str) -> None:
        super().__init__(f"{endpoint.describe()}: {error}")
        self.endpoint, self.waited, self.error = endpoint, waited, error


def connect(endpoint: Endpoint, timeout: float) -> socket.socket:
    if endpoint.unix:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(endpoint.unix)
        except BaseException:
            sock.close()
            raise
        return sock
    return socket.create_connection((endpoint.host, endpoint.port), timeout=timeout)


def receive(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise NotUp("the connection was closed")
        data += chunk
    return data


def postgres_ready(sock: socket.socket, endpoint: Endpoint) -> None:
    """Start a session as ``pg_isready`` does: any answer but "cannot connect
    now" (starting up, shutting down, in recovery) means the server is up."""
    user = endpoint.user or "postgres"
    params = b"".join(
        key + b"\0" + value.encode() + b"\0"
        for key, value in ((b"user", user), (b"database", endpoint.database or user))
    )
    body = struct.pack("!i", 196608) + params + b"\0"  # protocol 3.0
    sock.sendall(struct.pack("!i", len(body) + 4) + body)
    kind = receive(sock, 1)
    if kind == b"E":
        (length,) = struct.unpack("!i", receive(sock, 4))
        fields = {
            item[:1]: item[1:].decode(errors="replace")
            for item in receive(sock, length - 4).split(b"\0")
            if item
        }
        if fields.get(b"C") == POSTGRES_CANNOT_CONNECT_NOW:
            raise NotUp(fields.get(b"M", "the database system is not ready"))
    with contextlib.suppress(OSError):
        sock.sendall(b"X\0\0\0\4")  # Terminate: a clean end of the session


def redis_ready(sock: socket.socket) -> None:
    """PING: "+PONG", or an error that only a running server sends (NOAUTH);
    "-LOADING" means it is still reading its data."""
    sock.sendall(b"PING\r\n")
    answer = sock.recv(256)
    if not answer:
        raise NotUp("the connection was closed")
    if answer.startswith(b"-LOADING"):
        raise NotUp(answer[1:].decode(errors="replace").strip())


def http_ready(endpoint: Endpoint, timeout: float) -> None:
    connection: http.client.HTTPConnection
    if endpoint.protocol == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(
            endpoint.host, endpoint.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(
            endpoint.host, endpoint.port, timeout=timeout
        )
    try:
        connection.request("GET", endpoint.path)
        status = connection.getresponse().status
    finally:
        connection.close()
    if not 200 <= status < 400:
        raise NotUp(f"it answered HTTP {status}")


def probe(endpoint: Endpoint, timeout: float = ATTEMPT_TIMEOUT) -> None:
    """Return when ``endpoint`` is up; raise ``OSError`` or :class:`NotUp`."""
    if endpoint.protocol in ("http", "https"):
        http_ready(endpoint, timeout)
        return
    with connect(endpoint, timeout) as sock:
        if endpoint.protocol == "postgres":
            postgres_ready(sock, endpoint)
        elif endpoint.protocol == "redis":
            redis_ready(sock)


def reason(exc: BaseException) -> str:
    """An error as a short phrase: "Connection refused", "timed out"."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class Waiter:
    """Waits for endpoints one after the other, within one deadline."""

    def __init__(
        self,
        name: str,
        timeout: float | None,
        say: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name, self.timeout, self.say = name, timeout, say
        self.clock, self.sleep = clock, sleep
        self.started = clock()

    def remaining(self) -> float | None:
        if self.timeout is None:
            return None
        return self.timeout - (self.clock() - self.started)

    def wait_all(self, endpoints: Sequence[Endpoint]) -> None:
        for endpoint in endpoints:
            self.wait(endpoint)

    def wait(self, endpoint: Endpoint) -> None:
        """Return once ``endpoint`` is up; raise :class:`TimedOut`."""
        pause, reported = FIRST_PAUSE, None
        while True:
            left = self.remaining()
            attempt = ATTEMPT_TIMEOUT if left is None else min(ATTEMPT_TIMEOUT, left)
            try:
                probe(endpoint, max(attempt, 0.05))
            except (OSError, NotUp) as exc:
                error = reason(exc)
            else:
                if reported is not None:
                    self.say(f"{self.name}: {endpoint.describe()} is up")
                return
            now, left = self.clock(), self.remaining()
            if left is not None and left <= 0:
                raise TimedOut(endpoint, now - self.started, error)
            if reported is None or now - reported >= REPORT_EVERY:
                waited = int(now - self.started)
                self.say(
                    f"{self.name}: waiting for {endpoint.describe()} "
                    f"({error}; {waited} s{self.limit()})"
                )
                reported = now
            self.sleep(pause if left is None else max(0.0, min(pause, left)))
            pause = min(pause * 2, LAST_PAUSE)

    def limit(self) -> str:
        return "" if self.timeout is None else f" of {self.timeout:g}"
