"""Prefixed output of several processes: ``web    | a line of web's output``.

Output is handled as bytes from end to end, so that invalid UTF-8 reaches the
terminal or log collector as the program wrote it; only the prefix is ours.
A partial last line is printed (with a newline added) when its stream ends.

Output is never dropped while the processes run. What the terminal, pipe or
socket cannot take at once waits in :class:`Output`, and once that holds
:data:`HIGH_WATER` bytes the supervisor stops reading the programs' pipes: a
program that writes more then waits in its own ``write``, as it would on a
plain pipe (back-pressure). Writing itself never blocks the supervisor, so
signals and stop deadlines are acted on meanwhile. Only at the end, when the
reader has taken nothing for a while, is what is left abandoned, and counted.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import stat
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence

#: The name in front of the supervisor's own messages.
SYSTEM = "prodserver"
#: ANSI colours given to processes in turn (cyan, yellow, green, magenta, blue, red).
COLOURS = (36, 33, 32, 35, 34, 31)
#: A line longer than this may be printed in pieces of this size, each with
#: the prefix and a newline, rather than held in memory until its end.
MAX_LINE = 64 * 1024
NEWLINE = ord("\n")
#: The size asked for the pipes the supervisor reads and writes: room for a
#: program's bursts, and fewer, larger reads and writes.
PIPE_SIZE = 1024 * 1024
#: Output waiting for the reader beyond which the programs' pipes are not read.
HIGH_WATER = 512 * 1024


def use_colour(fd: int, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and not when ``NO_COLOR`` is set."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    try:
        return os.isatty(fd)
    except OSError:
        return False


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


class Share:
    """How many bytes of an output's pending bytes one process wrote, in a row."""

    __slots__ = ("owner", "size")

    def __init__(self, owner: str, size: int) -> None:
        self.owner = owner
        self.size = size


class Output:
    """One file descriptor we print to (stdout or stderr), never waited on.

    What the descriptor cannot take at once waits in :attr:`pending`, in the
    order it came, and is written by :meth:`flush` when there is room (the
    supervisor watches :attr:`watched` for it). :attr:`full` tells the
    supervisor to stop reading the programs until the reader catches up.
    Nothing is dropped, except by :meth:`abandon` (the end of a run whose
    reader is stalled), which counts the lines left per process. A reader that
    has gone (a closed pipe) is not written to any more.
    """

    def __init__(self, fd: int, colour: bool) -> None:
        self.fd = fd
        self.colour = colour
        self.open = True
        self.pending = bytearray()
        #: Who wrote the bytes of :attr:`pending`, in order.
        self.owners: deque[Share] = deque()
        #: Lines given up on, per process (see :meth:`abandon`).
        self.abandoned: dict[str, int] = {}
        self.abandoning = False
        #: Since when output has waited without the reader taking any of it.
        self.blocked_since: float | None = None
        #: Whether the last byte written ended inside a line.
        self.line_open = False
        try:
            self.writer, self.watched = nonblocking_writer(fd)
        except OSError:
            self.open = False
            self.writer, self.watched = (lambda parts: 0), None

    @property
    def waiting(self) -> bool:
        """Whether output waits for room in the descriptor."""
        return self.open and bool(self.pending)

    @property
    def full(self) -> bool:
        """Whether the programs' pipes should wait before they are read again."""
        return len(self.pending) >= HIGH_WATER and not self.abandoning

    def write(self, owner: str, *parts: Buffer) -> None:
        """Write ``parts`` (together, whole lines of ``owner``'s) now, or when
        there is room."""
        if not self.open:
            return
        if self.abandoning:
            lines = sum(bytes(part).count(b"\n") for part in parts)
            self.count_abandoned(owner, lines or 1)
            return
        # What waits goes first (the supervisor flushes it when there is room);
        # else straight from the parts, without copying them.
        written = 0 if self.pending else self.attempt(parts)
        self.keep(owner, parts, written)

    def keep(self, owner: str, parts: Sequence[Buffer], skip: int) -> None:
        """Hold what is left of ``parts`` after their first ``skip`` bytes."""
        size = sum(len(part) for part in parts) - skip
        if size <= 0 or not self.open:
            return
        for part in parts:
            if skip < len(part):
                self.pending += memoryview(part)[skip:]
            skip = max(0, skip - len(part))
        if self.owners and self.owners[-1].owner == owner:
            self.owners[-1].size += size
        else:
            self.owners.append(Share(owner, size))

    def attempt(
        self, parts: Sequence[Buffer], now: Callable[[], float] = time.monotonic
    ) -> int:
        """Write what the descriptor takes of ``parts`` now: how much."""
        try:
            written = self.writer(parts)
        except OSError:  # the reader has gone (EPIPE): nothing more to print
            self.open = False
            self.pending.clear()
            self.owners.clear()
            return 0
        if written:
            self.line_open = last_byte(parts, written) != NEWLINE
        if written == sum(len(part) for part in parts):
            self.blocked_since = None
        elif written or self.blocked_since is None:
            self.blocked_since = now()  # it took what it could: full from now
        return written

    def flush(self) -> None:
        """Write what the descriptor takes now of what waits."""
        while self.pending:
            with memoryview(self.pending) as view:
                written = self.attempt([view])
            if not written:
                return
            del self.pending[:written]
            self.written(written)

    def written(self, size: int) -> None:
        """Forget the owners of ``size`` bytes that have been written."""
        while size:
            head = self.owners[0]
            taken = min(size, head.size)
            head.size -= taken
            size -= taken
            if not head.size:
                self.owners.popleft()

    def stalled(self, now: float, patience: float) -> bool:
        """Whether output has waited ``patience`` seconds with none of it taken."""
        since = self.blocked_since
        return self.waiting and since is not None and now - since >= patience

    def abandon(self) -> None:
        """Give up on what waits, and on what comes from now on: count its lines."""
        start = 0
        for share in self.owners:
            end = start + share.size
            self.count_abandoned(share.owner, self.pending.count(b"\n", start, end))
            start = end
        self.pending.clear()
        self.owners.clear()
        self.abandoning = True
        self.blocked_since = None

    def count_abandoned(self, owner: str, lines: int) -> None:
        self.abandoned[owner] = self.abandoned.get(owner, 0) + lines

    def notices(self) -> list[bytes]:
        """One line per process whose output was abandoned."""
        return [
            f"{SYSTEM}: {count} {'line' if count == 1 else 'lines'} of {owner} "
            "not written: output blocked\n".encode()
            for owner, count in self.abandoned.items()
            if count
        ]


class LineWriter:
    """The lines of one stream of one process, each with its prefix.

    Lines are prefixed a whole read at a time (one ``replace`` over the bytes
    read rather than a loop over lines), and handed to the output whole.
    """

    def __init__(self, name: str, prefix: bytes, output: Output) -> None:
        self.name = name
        self.prefix = prefix
        self.joiner = b"\n" + prefix
        self.output = output
        self.pending = b""

    def feed(self, data: bytes) -> None:
        """Print the complete lines in ``data``; keep a partial last line (or
        print it in :data:`MAX_LINE` pieces once it is longer)."""
        end = data.rfind(b"\n") + 1
        if end:
            # One replace over the whole read (its partial last line too, cut
            # off after): each "\n" becomes "\n" + prefix, so the lines come out
            # prefixed, followed by one prefix too many. The line held from the
            # last read goes first, under the first prefix: nothing is joined.
            rest = data[end:]
            prefixed = memoryview(data.replace(b"\n", self.joiner))
            cut = len(prefixed) - len(rest) - len(self.prefix)
            self.output.write(self.name, self.prefix, self.pending, prefixed[:cut])
        else:
            rest = self.pending + data
        while len(rest) > MAX_LINE:
            self.output.write(self.name, self.prefix, rest[:MAX_LINE], b"\n")
            rest = rest[MAX_LINE:]
        self.pending = rest

    def close(self) -> None:
        """The stream ended: print what is left, completed by a newline."""
        if self.pending:
            self.output.write(self.name, self.prefix, self.pending, b"\n")
            self.pending = b""


def last_byte(parts: Sequence[Buffer], written: int) -> int:
    """The last of the first ``written`` bytes of ``parts``."""
    for part in parts:
        if written <= len(part):
            return memoryview(part)[written - 1]
        written -= len(part)
    raise ValueError(written)


def same_file(first: int, second: int) -> bool:
    """Whether two descriptors lead to the same file, pipe or terminal."""
    try:
        one, other = os.fstat(first), os.fstat(second)
    except OSError:
        return False
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


class Printer:
    """Hands out a :class:`LineWriter` per process stream, with aligned names.

    When stdout and stderr are the same file (``2>&1``, a terminal), both
    streams go through one :class:`Output`, so that lines of the two never
    interleave within a line.
    """

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
        shared = same_file(stdout, stderr) and colours[0] == colours[1]
        self.stderr = self.stdout if shared else Output(stderr, colours[1])

    @property
    def outputs(self) -> tuple[Output, ...]:
        if self.stderr is self.stdout:
            return (self.stdout,)
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
        return LineWriter(name, self.prefix(name, output), output)

    def message(self, text: str) -> None:
        """A line of the supervisor's own, on stderr."""
        line = text.encode(errors="replace")
        self.stderr.write(SYSTEM, self.prefix(SYSTEM, self.stderr), line, b"\n")


def write_notices(outputs: Sequence[Output], target: Output) -> None:
    """Say on ``target``, without waiting, how many lines each process lost
    (an output whose reader has stalled takes what fits in its pipe, if any)."""
    notices = b"".join(notice for output in outputs for notice in output.notices())
    if notices and target.open:
        if target.line_open:  # a line was cut short: the notice starts its own
            notices = b"\n" + notices
        with contextlib.suppress(OSError):
            target.writer([notices])
