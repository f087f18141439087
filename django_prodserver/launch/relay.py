"""The children's output, carried to the launcher's outputs at their pace.

The children's pipes are read only while the output they go to can take more
(see :mod:`~django_prodserver.launch.output`): a slow reader slows the programs
down, as a plain pipe would, and no line is lost. Once a stop is under way (or
everything has exited), an output whose reader has taken nothing for
:data:`DRAIN_TIMEOUT` is given up on, so that a stalled reader never holds up a
stop: what it did not take is counted, per process, in one line on stderr.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import time

from .child import Child
from .output import SYSTEM, Output, plain_line
from .printer import LineFormat, LineWriter, Printer
from .writing import enlarge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

#: How long, at the end, output may go without moving: a pipe that escaped
#: helpers hold open is left after this long without a byte, and an output
#: whose reader took nothing for this long during a stop is given up on.
DRAIN_TIMEOUT = 1.0
#: How much of a child's pipe is read at once.
READ_SIZE = 256 * 1024


class Source:
    """One pipe of a child's, and the writer its lines go to."""

    def __init__(self, pipe: IO[bytes], writer: LineWriter) -> None:
        self.pipe = pipe
        self.fd = pipe.fileno()
        self.writer = writer


class Relay:
    """Reads the children's pipes into the outputs, and says the supervisor's
    own lines; ``selector`` is the supervisor loop's, which wakes on a pipe
    with output (its data: a :class:`Source`) or an output with room (its
    data: the :class:`Output`)."""

    def __init__(
        self,
        names: list[str],
        selector: selectors.BaseSelector,
        colour: bool | None = None,
        line_format: LineFormat | None = None,
    ) -> None:
        self.selector = selector
        self.printer = (
            Printer(names, colour=colour, line_format=line_format)
            if len(names) > 1
            else None
        )
        #: Where the supervisor's own lines go (and, with several, the output).
        self.outputs = self.printer.outputs if self.printer else (Output(2, False),)
        #: The children's pipes still open, by descriptor.
        self.sources: dict[int, Source] = {}
        #: When a child's pipe was last read (or the last child exited).
        self.last_read = time.monotonic()

    def through(self, now: float) -> bool:
        """Whether the output is through: the outputs hold nothing (or were
        given up on), and every pipe has ended (or none was read for
        :data:`DRAIN_TIMEOUT`)."""
        if any(output.waiting for output in self.outputs):
            return False
        return not self.sources or now - self.last_read >= DRAIN_TIMEOUT

    def deadlines(self, ended: bool, ending: bool) -> list[float]:
        """When the relay has something to do without being woken: give up on
        the pipes once everything has ``ended``, or, while ``ending``, on a
        stalled output."""
        deadlines = []
        if ended and self.sources:
            deadlines.append(self.last_read + DRAIN_TIMEOUT)
        if ending:
            deadlines += [
                output.blocked_since + DRAIN_TIMEOUT
                for output in self.outputs
                if output.waiting and output.blocked_since is not None
            ]
        return deadlines

    def give_up_on_stalled_readers(self, now: float) -> None:
        """Give up on an output whose reader has stopped reading (its lines are
        counted); the supervisor asks during a stop, so that no program waits
        on a stalled reader to stop."""
        for output in self.outputs:
            if output.stalled(now, DRAIN_TIMEOUT):
                output.abandon()

    def pace_reading(self) -> None:
        """Read a child's pipe only while the output it goes to can take more."""
        watched = self.selector.get_map()
        for fd, source in self.sources.items():
            wanted = not source.writer.output.full
            if wanted and fd not in watched:
                self.selector.register(fd, selectors.EVENT_READ, source)
            elif not wanted and fd in watched:
                self.selector.unregister(fd)

    def watch_room(self) -> None:
        """Watch the outputs that hold output for room in their descriptor."""
        for output in self.outputs:
            if output.watched is None:
                continue
            watching = output.watched in self.selector.get_map()
            if output.waiting and not watching:
                self.selector.register(output.watched, selectors.EVENT_WRITE, output)
            elif watching and not output.waiting:
                self.selector.unregister(output.watched)

    def watch_output(self, child: Child) -> None:
        assert child.popen is not None
        assert self.printer is not None
        for stream in ("stdout", "stderr"):
            pipe = getattr(child.popen, stream)
            os.set_blocking(pipe.fileno(), False)
            enlarge(pipe.fileno())
            writer = self.printer.writer(child.name, stream, child.pid)
            self.sources[pipe.fileno()] = Source(pipe, writer)
        # Registered for reading by pace_reading().

    def read_output(self, source: Source, drain: bool = False) -> None:
        """Print what a pipe holds; with ``drain``, everything until it is empty."""
        while True:
            try:
                data = os.read(source.fd, READ_SIZE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            self.last_read = time.monotonic()
            if not data:
                break
            source.writer.feed(data)
            if not drain:
                return
        self.close_source(source)

    def close_source(self, source: Source) -> None:
        source.writer.close()
        del self.sources[source.fd]
        if source.fd in self.selector.get_map():
            self.selector.unregister(source.fd)
        with contextlib.suppress(OSError):
            source.pipe.close()

    def drain_output(self, child: Child) -> None:
        """Print what an exited child left in its pipes, before we speak of it."""
        if child.popen is None:
            return
        for pipe in (child.popen.stdout, child.popen.stderr):
            if pipe is not None and not pipe.closed:
                self.read_output(self.sources[pipe.fileno()], drain=True)

    def say(self, text: str) -> None:
        """A line of the supervisor's own."""
        if self.printer is not None:
            self.printer.message(text)
        else:
            self.outputs[0].write(SYSTEM, plain_line(text))

    def render(self, text: str) -> bytes:
        """A whole line of the supervisor's last words: a JSON object where
        every line is one, else ``prodserver: TEXT``."""
        if self.printer is not None and self.printer.format.json:
            return self.printer.render(text)
        return plain_line(text)
