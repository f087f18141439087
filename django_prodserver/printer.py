"""Prefixed output of several processes: ``web    | a line of web's output``.

Output is handled as bytes from end to end, so that invalid UTF-8 reaches the
terminal or log collector as the program wrote it; only the prefix is ours.
A partial last line is printed (with a newline added) when its stream ends.

Printing never blocks the supervisor: a terminal, pipe or socket whose reader
does not read is written without waiting (see :class:`Output`), so that signals
and stop deadlines are acted on meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import select
import stat
from collections.abc import Callable, Mapping, Sequence

#: The name in front of the supervisor's own messages.
SYSTEM = "prodserver"
#: ANSI colours given to processes in turn (cyan, yellow, green, magenta, blue, red).
COLOURS = (36, 33, 32, 35, 34, 31)
#: A line longer than this is printed in pieces rather than held in memory.
MAX_LINE = 64 * 1024
#: The most output held, per stream, for a reader that does not read; output
#: beyond it is dropped (and counted).
MAX_PENDING = 1024 * 1024


def use_colour(fd: int, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and not when ``NO_COLOR`` is set."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    try:
        return os.isatty(fd)
    except OSError:
        return False


def write_all(fd: int, data: bytes) -> bool:
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


#: Writes what it can of some bytes without blocking: how many it wrote (0 when
#: the reader is not reading). Raises ``OSError`` once the reader has gone.
Writer = Callable[[memoryview], int]


def nonblocking_writer(fd: int) -> tuple[Writer, int | None]:
    """How to write to ``fd`` without ever blocking, and the descriptor to watch
    for room (None: writes never wait).

    A regular file (or ``/dev/null``) never waits for a reader. A socket (the
    systemd journal) takes ``MSG_DONTWAIT``. A pipe or terminal is opened again
    through ``/proc`` (Linux) as a description of our own, made non-blocking
    without touching the one it shares with other processes (a shell would
    break on a non-blocking terminal). Where that is not possible, a write waits
    for room and writes at most ``PIPE_BUF`` bytes, which a pipe with room
    always takes at once.
    """
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode) or (stat.S_ISCHR(mode) and not os.isatty(fd)):
        return lambda data: write_all_or_fail(fd, data), None
    if stat.S_ISSOCK(mode):
        return socket_writer(fd), fd
    with contextlib.suppress(OSError):
        own = os.open(
            f"/proc/self/fd/{fd}",
            os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC,
        )
        return without_waiting(lambda data: os.write(own, data)), own
    return polled(fd), fd


def write_all_or_fail(fd: int, data: memoryview) -> int:
    if not write_all(fd, bytes(data)):
        raise BrokenPipeError(fd)
    return len(data)


def without_waiting(write: Writer) -> Writer:
    """``write`` on a non-blocking descriptor, "it would block" being 0 bytes."""

    def attempt(data: memoryview) -> int:
        try:
            return write(data)
        except BlockingIOError:
            return 0

    return attempt


def polled(fd: int) -> Writer:
    def write(data: memoryview) -> int:
        _, ready, _ = select.select([], [fd], [], 0)
        return os.write(fd, data[: select.PIPE_BUF]) if ready else 0

    return write


def socket_writer(fd: int) -> Writer:
    import socket  # only for a socket: the supervisor stays small otherwise

    sock = socket.socket(fileno=os.dup(fd))
    flags = getattr(socket, "MSG_DONTWAIT", 0)
    if not flags:
        sock.close()
        return polled(fd)
    return without_waiting(lambda data: sock.send(data, flags))


class Output:
    """One file descriptor we print to (stdout or stderr), never waited on.

    What the descriptor cannot take at once waits here, up to ``limit`` bytes
    (:data:`MAX_PENDING`), and is written by :meth:`flush` when there is room
    (the supervisor watches :attr:`watched` for it). Output that would not fit
    is dropped, whole lines at a time; once the reader has caught up, a line
    (``notice_prefix``, then how many lines) says what was lost. A reader that
    has gone (a closed pipe) is not written to any more.
    """

    def __init__(
        self,
        fd: int,
        colour: bool,
        limit: int = MAX_PENDING,
        notice_prefix: bytes = b"",
    ) -> None:
        self.fd = fd
        self.colour = colour
        self.limit = limit
        self.notice_prefix = notice_prefix or f"{SYSTEM}: ".encode()
        self.open = True
        self.pending = bytearray()
        #: Lines dropped since the reader last caught up.
        self.dropped = 0
        try:
            self.writer, self.watched = nonblocking_writer(fd)
        except OSError:
            self.open = False
            self.writer, self.watched = (lambda data: 0), None

    @property
    def waiting(self) -> bool:
        """Whether output waits for room in the descriptor."""
        return self.open and bool(self.pending)

    def write(self, data: bytes) -> None:
        """Write ``data`` (whole lines), now or later, or drop it."""
        if not self.open:
            return
        if self.pending and len(self.pending) + len(data) > self.limit:
            self.dropped += data.count(b"\n") or 1
            return
        self.pending += data
        self.flush()

    def flush(self) -> None:
        """Write what the descriptor takes now; say what was dropped, once it
        has all been written."""
        while self.open and self.pending:
            try:
                with memoryview(self.pending) as view:
                    written = self.writer(view)
            except OSError:  # the reader has gone (EPIPE): nothing more to print
                self.open = False
                self.pending.clear()
                return
            if not written:
                return
            del self.pending[:written]
            if not self.pending and self.dropped:
                self.pending += self.notice()

    def notice(self) -> bytes:
        count, self.dropped = self.dropped, 0
        what = "line" if count == 1 else "lines"
        return (
            self.notice_prefix
            + (
                f"{count} {what} of output dropped: the output was not being read\n"
            ).encode()
        )


class LineWriter:
    """The lines of one stream of one process, each with its prefix."""

    def __init__(self, prefix: bytes, output: Output) -> None:
        self.prefix = prefix
        self.output = output
        self.pending = b""

    def feed(self, data: bytes) -> None:
        """Print the complete lines in ``data``; keep a partial last line."""
        text = self.pending + data
        end = text.rfind(b"\n") + 1
        if not end and len(text) > MAX_LINE:
            end = len(text)  # print an overlong line in pieces
        if end:
            self.output.write(self.prefixed(text[:end]))
        self.pending = text[end:]

    def close(self) -> None:
        """The stream ended: print what is left, completed by a newline."""
        if self.pending:
            self.output.write(self.prefixed(self.pending))
            self.pending = b""

    def prefixed(self, text: bytes) -> bytes:
        # Only "\n" ends a line: a "\r" (a progress bar) stays inside its line.
        body = text[:-1] if text.endswith(b"\n") else text
        return b"".join(self.prefix + line + b"\n" for line in body.split(b"\n"))


class Printer:
    """Hands out a :class:`LineWriter` per process stream, with aligned names."""

    def __init__(
        self,
        names: Sequence[str],
        environ: Mapping[str, str] = os.environ,
        stdout: int = 1,
        stderr: int = 2,
        colour: bool | None = None,
    ) -> None:
        """``colour``: True or False as ``--force-color``/``--no-color`` ask,
        None to colour a terminal only (and not when ``NO_COLOR`` is set)."""
        self.width = max(len(name) for name in [*names, SYSTEM])
        self.colour_of = {
            name: COLOURS[index % len(COLOURS)] for index, name in enumerate(names)
        }
        colours = [
            use_colour(fd, environ) if colour is None else colour
            for fd in (stdout, stderr)
        ]
        self.stdout = Output(stdout, colours[0])
        self.stderr = Output(stderr, colours[1])
        for output in self.outputs:
            output.notice_prefix = self.prefix(SYSTEM, output)

    @property
    def outputs(self) -> tuple[Output, Output]:
        return self.stdout, self.stderr

    def prefix(self, name: str, output: Output) -> bytes:
        label = f"{name:<{self.width}} |"
        colour = self.colour_of.get(name)
        if output.colour and colour is not None:
            label = f"\x1b[{colour}m{label}\x1b[0m"
        elif output.colour:
            label = f"\x1b[1m{label}\x1b[0m"
        return f"{label} ".encode()

    def writer(self, name: str, stream: str) -> LineWriter:
        """A writer for ``stream`` ("stdout" or "stderr") of process ``name``."""
        output = self.stdout if stream == "stdout" else self.stderr
        return LineWriter(self.prefix(name, output), output)

    def message(self, text: str) -> None:
        """A line of the supervisor's own, on stderr."""
        line = self.prefix(SYSTEM, self.stderr) + text.encode(errors="replace")
        self.stderr.write(line + b"\n")
