"""Prefixed output of several processes: ``web    | a line of web's output``.

Output is handled as bytes from end to end, so that invalid UTF-8 reaches the
terminal or log collector as the program wrote it; only the prefix is ours.
A partial last line is printed (with a newline added) when its stream ends.
Where the lines go, and how a slow reader slows the programs down, is
:mod:`~django_prodserver.launch.output`'s job.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from .output import SYSTEM, Output

#: ANSI colours given to processes in turn (cyan, yellow, green, magenta, blue, red).
COLOURS = (36, 33, 32, 35, 34, 31)
#: A line longer than this may be printed in pieces of this size, each with
#: the prefix and a newline, rather than held in memory until its end.
MAX_LINE = 64 * 1024


def use_colour(fd: int, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and not when ``NO_COLOR`` is set."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    try:
        return os.isatty(fd)
    except OSError:
        return False


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
