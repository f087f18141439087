"""Wait until services answer: plain sockets and ``http.client``, nothing else.

Each endpoint is knocked on until it answers as a client would need it to
(:func:`probe`, with the handshakes of :mod:`~django_prodserver.before.protocols`),
or the time runs out. While it does not, one line at most every
:data:`REPORT_EVERY` seconds says what is awaited, where, and the last error.
No package of the program (no database driver, no Redis client) is imported;
only ``"migrations"`` asks Django, through its own database connection.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable, Sequence

from .migrations import migrations_ready
from .protocols import NotUp, amqp_ready, mysql_ready, postgres_ready, redis_ready
from .targets import Endpoint

__all__ = ["NotUp", "TimedOut", "Waiter", "probe", "reason"]

#: The most often a line says that the wait goes on, in seconds.
REPORT_EVERY = 2.0
#: The longest one attempt may take, in seconds.
ATTEMPT_TIMEOUT = 2.0
#: The pause between attempts grows from the first to the last, in seconds.
FIRST_PAUSE, LAST_PAUSE = 0.1, 1.0


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
    if endpoint.protocol == "migrations":
        migrations_ready(endpoint.database)
        return
    with connect(endpoint, timeout) as sock:
        if endpoint.protocol == "postgres":
            postgres_ready(sock, endpoint.user, endpoint.database)
        elif endpoint.protocol == "redis":
            redis_ready(sock, endpoint.user, endpoint.password)
        elif endpoint.protocol == "mysql":
            mysql_ready(sock)
        elif endpoint.protocol == "amqp":
            amqp_ready(sock)


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
                    done = (
                        "are all applied"
                        if endpoint.protocol == "migrations"
                        else "is up"
                    )
                    self.say(f"{self.name}: {endpoint.describe()} {done}")
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
