"""Writing to a descriptor without ever blocking the supervisor.

The supervisor's loop must stay free to act on signals and stop deadlines
whatever its reader does: :func:`nonblocking_writer` finds, for the kind of
file a descriptor is (regular file, socket, pipe or terminal), a way to write
that takes what fits now and returns at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import stat
from collections.abc import Callable, Sequence

#: The size asked for the pipes the supervisor reads and writes: room for a
#: program's bursts, and fewer, larger reads and writes.
PIPE_SIZE = 1024 * 1024


def write_all(fd: int, data: bytes | memoryview) -> bool:
    """Write everything, waiting if ``fd`` is non-blocking; False once it is gone."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            select.select([], [fd], [])
            continue
        except (BrokenPipeError, OSError):
            return False
        view = view[written:]
    return True


def enlarge(fd: int) -> None:
    """Ask for a pipe of :data:`PIPE_SIZE` (Linux); it stays as it is if the
    system refuses."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, PIPE_SIZE)


Buffer = bytes | bytearray | memoryview
#: Writes what it can of some buffers, in order, without blocking (one system
#: call where it can: no copy to join them): how many bytes it wrote (0 when
#: the reader is not reading). Raises ``OSError`` once the reader has gone.
Writer = Callable[[Sequence[Buffer]], int]


def nonblocking_writer(fd: int) -> tuple[Writer, int | None]:
    """How to write to ``fd`` without ever blocking, and the descriptor to watch
    for room (None: writes never wait).

    A regular file (or ``/dev/null``) never waits for a reader. A socket (the
    systemd journal) takes ``MSG_DONTWAIT``. A pipe or terminal is opened again
    through ``/proc`` (Linux) as a description of our own, made non-blocking
    without touching the one it shares with other processes (a shell would
    break on a non-blocking terminal). Where that is not possible, a write waits
    for room and writes at most ``PIPE_BUF`` bytes, which a pipe with room
    always takes at once. A pipe is enlarged to :data:`PIPE_SIZE`, so that
    more is written at each wake-up.
    """
    mode = os.fstat(fd).st_mode
    if stat.S_ISFIFO(mode):
        enlarge(fd)
    if stat.S_ISREG(mode) or (stat.S_ISCHR(mode) and not os.isatty(fd)):
        return lambda parts: write_all_or_fail(fd, parts), None
    if stat.S_ISSOCK(mode):
        return socket_writer(fd), fd
    with contextlib.suppress(OSError):
        own = os.open(
            f"/proc/self/fd/{fd}",
            os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC,
        )
        return without_waiting(lambda parts: os.writev(own, parts)), own
    return polled(fd), fd


def write_all_or_fail(fd: int, parts: Sequence[Buffer]) -> int:
    for part in parts:
        if not write_all(fd, memoryview(part)):
            raise BrokenPipeError(fd)
    return sum(len(part) for part in parts)


def without_waiting(write: Writer) -> Writer:
    """``write`` on a non-blocking descriptor, "it would block" being 0 bytes."""

    def attempt(parts: Sequence[Buffer]) -> int:
        try:
            return write(parts)
        except BlockingIOError:
            return 0

    return attempt


def polled(fd: int) -> Writer:
    def write(parts: Sequence[Buffer]) -> int:
        _, ready, _ = select.select([], [fd], [], 0)
        data = b"".join(parts)[: select.PIPE_BUF]
        return os.write(fd, data) if ready else 0

    return write


def socket_writer(fd: int) -> Writer:
    import socket  # only for a socket: the supervisor stays small otherwise

    sock = socket.socket(fileno=os.dup(fd))
    flags = getattr(socket, "MSG_DONTWAIT", 0)
    if not flags:
        sock.close()
        return polled(fd)
    return without_waiting(lambda parts: sock.sendmsg(parts, (), flags))
