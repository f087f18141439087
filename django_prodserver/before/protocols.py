"""How each kind of service says that it is ready, spoken over a plain socket.

Each function takes a connected socket and returns when the service answered as
a ready server of its kind does; it raises :class:`NotUp` when the service
answered otherwise (still loading, starting up, wanting a password, or speaking
another protocol: an HTTP server on the port is not a database) and ``OSError``
when the connection failed or timed out. No client library is imported.
"""

from __future__ import annotations

import contextlib
import io
import socket
import struct

#: PostgreSQL's answer while it starts up, shuts down or recovers.
POSTGRES_CANNOT_CONNECT_NOW = "57P03"
#: The first bytes of each message a PostgreSQL server may answer a
#: StartupMessage with: an authentication request, an error, or the
#: negotiation of a minor protocol version.
POSTGRES_ANSWERS = frozenset(b"REv")
#: The longest answer read from a service, in bytes: more is not a handshake.
LONGEST_ANSWER = 16_384
#: The protocol header of AMQP 0-9-1, and the start of the frame a broker
#: answers it with: a method frame on channel 0 carrying Connection.Start
#: (class 10, method 10).
AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
AMQP_CONNECTION_START = (1, 0, 10, 10)
#: MySQL's initial handshake packets begin with protocol version 10; 0xFF
#: begins an error packet (too many connections, a host it refuses).
MYSQL_HANDSHAKE_V10, MYSQL_ERROR = 10, 0xFF


class NotUp(Exception):
    """The endpoint answered, but not as a ready service does."""


def receive(sock: socket.socket, size: int) -> bytes:
    """Exactly ``size`` bytes, or :class:`NotUp` if the service hangs up."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise NotUp("the connection was closed")
        data += chunk
    return data


def length_of(data: bytes, least: int, what: str) -> int:
    """A big-endian 4-byte length that a handshake of ``what`` could have."""
    (length,) = struct.unpack("!i", data)
    if not least <= length <= LONGEST_ANSWER:
        raise NotUp(f"it does not speak {what}'s protocol")
    return int(length)


# -- PostgreSQL ---------------------------------------------------------------


def postgres_ready(sock: socket.socket, user: str, database: str) -> None:
    """Start a session as ``pg_isready`` does: an authentication request, or
    any error but "cannot connect now" (starting up, shutting down, in
    recovery), means that the server accepts sessions."""
    user = user or "postgres"
    params = b"".join(
        key + b"\0" + value.encode() + b"\0"
        for key, value in ((b"user", user), (b"database", database or user))
    )
    body = struct.pack("!i", 196608) + params + b"\0"  # protocol 3.0
    sock.sendall(struct.pack("!i", len(body) + 4) + body)
    kind = receive(sock, 1)
    if kind[0] not in POSTGRES_ANSWERS:
        raise NotUp("it does not speak PostgreSQL's protocol")
    length = length_of(receive(sock, 4), 4 if kind == b"E" else 8, "PostgreSQL")
    payload = receive(sock, length - 4)
    if kind == b"E":
        fields = {
            item[:1]: item[1:].decode(errors="replace")
            for item in payload.split(b"\0")
            if item
        }
        if fields.get(b"C") == POSTGRES_CANNOT_CONNECT_NOW:
            raise NotUp(fields.get(b"M", "the database system is not ready"))
    with contextlib.suppress(OSError):
        sock.sendall(b"X\0\0\0\4")  # Terminate: a clean end of the session


# -- Redis --------------------------------------------------------------------


def resp_command(*words: str) -> bytes:
    """A command in RESP, which carries any byte of a password as it is."""
    encoded = [word.encode() for word in words]
    parts = [b"*%d\r\n" % len(encoded)]
    parts += [b"$%d\r\n%s\r\n" % (len(word), word) for word in encoded]
    return b"".join(parts)


def redis_reply(reader: io.BufferedReader) -> str:
    """One simple reply line: ``+PONG`` or ``-ERR …``."""
    line = reader.readline(LONGEST_ANSWER)
    if not line:
        raise NotUp("the connection was closed")
    if not line.endswith(b"\r\n") or line[:1] not in (b"+", b"-"):
        raise NotUp("it does not speak Redis's protocol")
    return line[:-2].decode(errors="replace")


def redis_ready(sock: socket.socket, user: str = "", password: str = "") -> None:
    """AUTH first when the URL has a password, then PING: ready on ``+PONG``.

    ``-LOADING`` (reading its data at start), ``-NOAUTH`` (it wants a password
    the URL does not give), ``-WRONGPASS`` and any other error are a server
    that is up but not ready for the program.
    """
    auth = (user, password) if user else (password,)
    commands = [resp_command("AUTH", *auth)] if password else []
    sock.sendall(b"".join(commands) + resp_command("PING"))
    with sock.makefile("rb") as reader:
        replies = [redis_reply(reader) for _ in range(len(commands) + 1)]
    for reply in replies:
        if reply.startswith("-NOAUTH"):
            raise NotUp(
                f"{reply[1:]} (the server wants a password: give it in the URL, "
                "redis://:PASSWORD@HOST:PORT/0)"
            )
        if reply.startswith("-"):
            raise NotUp(reply[1:])
    if replies[-1] != "+PONG":
        raise NotUp(f"it answered PING with {replies[-1]!r}")


# -- MySQL and MariaDB --------------------------------------------------------


def mysql_ready(sock: socket.socket) -> None:
    """The server speaks first: ready on its initial handshake packet
    (protocol 10); an error packet is a server that turns clients away."""
    header = receive(sock, 4)
    length = int.from_bytes(header[:3], "little")
    if header[3] != 0 or not 2 <= length <= LONGEST_ANSWER:
        raise NotUp("it does not speak MySQL's protocol")
    payload = receive(sock, length)
    if payload[0] == MYSQL_ERROR and length >= 3:
        # The error code, then (when marked by '#') the SQL state, the message.
        text = payload[9:] if payload[3:4] == b"#" else payload[3:]
        raise NotUp(text.decode(errors="replace").strip() or "it sent an error")
    version, _, rest = payload[1:].partition(b"\0")
    if payload[0] != MYSQL_HANDSHAKE_V10 or not version or not rest:
        raise NotUp("it does not speak MySQL's protocol")


# -- AMQP ---------------------------------------------------------------------


def amqp_ready(sock: socket.socket) -> None:
    """Send AMQP 0-9-1's protocol header: ready on Connection.Start. A broker
    of another version answers with its own header and hangs up."""
    sock.sendall(AMQP_HEADER)
    start = receive(sock, 8)
    if start.startswith(b"AMQP"):
        version = ".".join(str(byte) for byte in start[5:])
        raise NotUp(f"the broker speaks AMQP {version}, not 0-9-1")
    kind, channel, size = struct.unpack("!BHI", start[:7])
    if (kind, channel) != AMQP_CONNECTION_START[:2] or size > LONGEST_ANSWER * 4:
        raise NotUp("it does not speak AMQP")
    method = struct.unpack("!HH", start[7:] + receive(sock, 3))
    if method != AMQP_CONNECTION_START[2:]:
        raise NotUp("it does not speak AMQP")
