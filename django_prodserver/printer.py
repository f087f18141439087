"""Prefixed output of several processes: ``web    | a line of web's output``.

Output is handled as bytes from end to end, so that invalid UTF-8 reaches the
terminal or log collector as the program wrote it; only the prefix is ours.
A partial last line is printed (with a newline added) when its stream ends.
"""

from __future__ import annotations

import os
import select
from collections.abc import Mapping, Sequence

#: The name in front of the supervisor's own messages.
SYSTEM = "prodserver"
#: ANSI colours given to processes in turn (cyan, yellow, green, magenta, blue, red).
COLOURS = (36, 33, 32, 35, 34, 31)
#: A line longer than this is printed in pieces rather than held in memory.
MAX_LINE = 64 * 1024


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


class Output:
    """One file descriptor we print to (stdout or stderr), and whether it is open."""

    def __init__(self, fd: int, colour: bool) -> None:
        self.fd = fd
        self.colour = colour
        self.open = True

    def write(self, data: bytes) -> None:
        # A closed stdout (the reader went away) must not stop the supervisor.
        if self.open:
            self.open = write_all(self.fd, data)


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
