"""Where the prefixed output goes: one descriptor, never waited on.

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
import time
from collections import deque
from collections.abc import Callable, Sequence

from .writing import Buffer, nonblocking_writer

#: The name in front of the supervisor's own messages.
SYSTEM = "prodserver"
NEWLINE = ord("\n")
#: Output waiting for the reader beyond which the programs' pipes are not read.
HIGH_WATER = 512 * 1024


#: Makes a whole line of the supervisor's own (a newline at its end) of its text.
Render = Callable[[str], bytes]


def plain_line(text: str) -> bytes:
    """A line of the supervisor's own, as it is printed without a prefix."""
    return f"{SYSTEM}: {text}\n".encode(errors="replace")


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

    def notices(self, render: Render = plain_line) -> list[bytes]:
        """One line per process whose output was abandoned (``render`` makes a
        line of the supervisor's own of its text)."""
        return [
            render(
                f"{count} {'line' if count == 1 else 'lines'} of {owner} "
                "not written: output blocked"
            )
            for owner, count in self.abandoned.items()
            if count
        ]


def last_byte(parts: Sequence[Buffer], written: int) -> int:
    """The last of the first ``written`` bytes of ``parts``."""
    for part in parts:
        if written <= len(part):
            return memoryview(part)[written - 1]
        written -= len(part)
    raise ValueError(written)


def write_notices(
    outputs: Sequence[Output], target: Output, render: Render = plain_line
) -> None:
    """Say on ``target``, without waiting, how many lines each process lost
    (an output whose reader has stalled takes what fits in its pipe, if any)."""
    notices = b"".join(n for output in outputs for n in output.notices(render))
    if notices and target.open:
        if target.line_open:  # a line was cut short: the notice starts its own
            notices = b"\n" + notices
        with contextlib.suppress(OSError):
            target.writer([notices])
