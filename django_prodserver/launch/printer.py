"""Prefixed output of several processes: ``web    | a line of web's output``.

Output is handled as bytes from end to end, so that invalid UTF-8 reaches the
terminal or log collector as the program wrote it; only the prefix is ours.
A partial last line is printed (with a newline added) when its stream ends.
A :class:`LineFormat` may ask for the time in front of each line, for no
prefix, or for one JSON object per line (for log shippers), where invalid
UTF-8 becomes U+FFFD.
Where the lines go, and how a slow reader slows the programs down, is
:mod:`~django_prodserver.launch.output`'s job.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence

from .output import SYSTEM, Output

#: ANSI colours given to processes in turn (cyan, yellow, green, magenta, blue, red).
COLOURS = (36, 33, 32, 35, 34, 31)
#: A line longer than this may be printed in pieces of this size, each with
#: the prefix and a newline, rather than held in memory until its end.
MAX_LINE = 64 * 1024
#: What ``--log-format`` takes.
LOG_FORMATS = ("text", "json")


class LineFormat:
    """How each line is printed: ``text`` (with the process's name in front,
    unless not ``prefix``) or ``json`` (an object per line), with the time in
    front (``timestamps``, text only: a JSON object always has its time)."""

    __slots__ = ("log_format", "prefix", "timestamps")

    def __init__(
        self, log_format: str = "text", timestamps: bool = False, prefix: bool = True
    ) -> None:
        if log_format not in LOG_FORMATS:
            raise ValueError(f"unknown log format: {log_format!r}")
        self.log_format = log_format
        self.timestamps = timestamps
        self.prefix = prefix

    @property
    def json(self) -> bool:
        return self.log_format == "json"

    def to_payload(self) -> dict[str, object]:
        return {
            "log_format": self.log_format,
            "timestamps": self.timestamps,
            "prefix": self.prefix,
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, object]) -> LineFormat:
        log_format = data.get("log_format", "text")
        return cls(
            str(log_format),
            bool(data.get("timestamps")),
            data.get("prefix") is not False,
        )


def time_text(when: float | None = None) -> str:
    """``when`` (now by default) in ISO 8601, UTC, to the millisecond:
    ``2026-01-31T12:00:00.250Z``."""
    when = time.time() if when is None else when
    millis = int(when % 1 * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when)) + f".{millis:03d}Z"


def time_prefix() -> bytes:
    """The time in front of a line (``--timestamps``)."""
    return f"{time_text()} ".encode()


def colour_refused(environ: Mapping[str, str]) -> bool:
    """Whether the environment asks for no colour: ``NO_COLOR`` set (and not
    empty), or a terminal that shows none (``TERM=dumb``)."""
    return bool(environ.get("NO_COLOR")) or environ.get("TERM") == "dumb"


def use_colour(fd: int, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and not when ``NO_COLOR`` is set."""
    if colour_refused(environ):
        return False
    try:
        return os.isatty(fd)
    except OSError:
        return False


class LineWriter:
    """The lines of one stream of one process, each with its prefix (and the
    time, when ``clock`` gives it).

    Lines are prefixed a whole read at a time (one ``replace`` over the bytes
    read rather than a loop over lines), and handed to the output whole.
    """

    def __init__(
        self,
        name: str,
        prefix: bytes,
        output: Output,
        clock: Callable[[], bytes] | None = None,
    ) -> None:
        self.name = name
        self.prefix = prefix
        self.output = output
        self.clock = clock
        self.pending = b""

    def feed(self, data: bytes) -> None:
        """Print the complete lines in ``data``; keep a partial last line (or
        print it in :data:`MAX_LINE` pieces once it is longer)."""
        end = data.rfind(b"\n") + 1
        if end:
            self.print_lines(data, end)
            rest = data[end:]
        else:
            rest = self.pending + data
        while len(rest) > MAX_LINE:
            self.print_line(rest[:MAX_LINE])
            rest = rest[MAX_LINE:]
        self.pending = rest

    def head(self) -> bytes:
        """What goes in front of each line printed now."""
        return self.prefix if self.clock is None else self.clock() + self.prefix

    def print_lines(self, data: bytes, end: int) -> None:
        """Print the line held from the last read, then ``data[:end]``: whole lines."""
        head = self.head()
        if not head:
            self.output.write(self.name, self.pending, memoryview(data)[:end])
            return
        # One replace over the whole read (its partial last line too, cut off
        # after): each "\n" becomes "\n" + head, so the lines come out with
        # their head, followed by one head too many. The line held from the
        # last read goes first, under the first head: nothing is joined.
        prefixed = memoryview(data.replace(b"\n", b"\n" + head))
        cut = len(prefixed) - (len(data) - end) - len(head)
        self.output.write(self.name, head, self.pending, prefixed[:cut])

    def print_line(self, line: bytes) -> None:
        """Print one line (or a piece of one), completed by a newline."""
        self.output.write(self.name, self.head(), line, b"\n")

    def render(self, line: bytes) -> bytes:
        """One line as :meth:`print_line` prints it."""
        return self.head() + line + b"\n"

    def close(self) -> None:
        """The stream ended: print what is left, completed by a newline."""
        if self.pending:
            self.print_line(self.pending)
            self.pending = b""


class JsonLineWriter(LineWriter):
    """The lines of one stream of one process, each as one JSON object:
    ``{"time":…,"process":…,"stream":…,"pid":…,"message":…}``."""

    def __init__(self, name: str, stream: str, pid: int, output: Output) -> None:
        super().__init__(name, b"", output)
        # What every object of this stream holds after its time, made once.
        fields = {"process": name, "stream": stream, "pid": pid}
        self.fields = json.dumps(fields, separators=(",", ":"))[1:-1].encode()

    def record(self, line: bytes, stamp: bytes) -> bytes:
        message = json.dumps(line.decode(errors="replace"), ensure_ascii=False)
        return b'{"time":"%s",%s,"message":%s}\n' % (
            stamp,
            self.fields,
            message.encode(),
        )

    def print_lines(self, data: bytes, end: int) -> None:
        stamp = time_text().encode()  # the time the lines were read
        lines = (self.pending + data[:end]).split(b"\n")[:-1]
        self.output.write(
            self.name, b"".join(self.record(line, stamp) for line in lines)
        )

    def print_line(self, line: bytes) -> None:
        self.output.write(self.name, self.render(line))

    def render(self, line: bytes) -> bytes:
        return self.record(bytes(line), time_text().encode())


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
        line_format: LineFormat | None = None,
    ) -> None:
        """``colour``: True or False as ``--force-color``/``--no-color`` ask,
        None to colour a terminal only (and not when ``NO_COLOR`` is set);
        JSON is never coloured."""
        self.format = line_format or LineFormat()
        self.width = max(len(name) for name in [*names, SYSTEM])
        self.colour_of = {
            name: COLOURS[index % len(COLOURS)] for index, name in enumerate(names)
        }
        colours = [
            use_colour(fd, environ) if colour is None else colour
            for fd in (stdout, stderr)
        ]
        if self.format.json:
            colours = [False, False]
        self.stdout = Output(stdout, colours[0])
        shared = same_file(stdout, stderr) and colours[0] == colours[1]
        self.stderr = self.stdout if shared else Output(stderr, colours[1])

    @property
    def outputs(self) -> tuple[Output, ...]:
        if self.stderr is self.stdout:
            return (self.stdout,)
        return self.stdout, self.stderr

    def prefix(self, name: str, output: Output) -> bytes:
        if not self.format.prefix:
            return b""
        label = f"{name:<{self.width}} |"
        colour = self.colour_of.get(name)
        if output.colour and colour is not None:
            label = f"\x1b[{colour}m{label}\x1b[0m"
        elif output.colour:
            label = f"\x1b[1m{label}\x1b[0m"
        return f"{label} ".encode()

    def writer(self, name: str, stream: str, pid: int = 0) -> LineWriter:
        """A writer for ``stream`` ("stdout" or "stderr") of process ``name``,
        whose PID is ``pid``."""
        output = self.stdout if stream == "stdout" else self.stderr
        if self.format.json:
            return JsonLineWriter(name, stream, pid, output)
        clock = time_prefix if self.format.timestamps else None
        return LineWriter(name, self.prefix(name, output), output, clock)

    def system_writer(self) -> LineWriter:
        """The writer of the supervisor's own lines, on stderr (without the
        prefix of the processes' lines, still said to be ours)."""
        writer = self.writer(SYSTEM, "stderr", os.getpid())
        if not (self.format.prefix or self.format.json):
            writer.prefix = f"{SYSTEM}: ".encode()
        return writer

    def message(self, text: str) -> None:
        """A line of the supervisor's own."""
        self.system_writer().print_line(text.encode(errors="replace"))

    def render(self, text: str) -> bytes:
        """A line of the supervisor's own, whole, to be written by the caller."""
        return self.system_writer().render(text.encode(errors="replace"))
