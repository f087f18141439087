"""Where the command writes: its output and warnings (:class:`Console`), and
what it does when standard output fails it (a reader gone, a full disk)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from ..exceptions import ConfigurationError


@dataclass(frozen=True)
class Console:
    """Where the command prints: its output, warnings, and what the launcher
    does before the programs start (waits, steps)."""

    write: Callable[[str], None]
    warn: Callable[[str], None]
    note: Callable[[str], None] | None = None


#: The exit status of a command whose reader went away (128 + SIGPIPE).
BROKEN_PIPE = 141


def stop_on_broken_pipe() -> NoReturn:
    """The reader of the output went away (``--dry-run | head -1``): stop
    quietly, as a POSIX tool does, and let nothing write to the closed pipe
    again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(BROKEN_PIPE)


CLOSED_OUTPUT = "standard output is closed: prodserver writes its output there"


def output_start() -> int | None:
    """Where the output begins when standard output is a regular file (``>
    file``), so that a write that fails can be undone; None otherwise."""
    try:
        fd = sys.stdout.fileno()
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return None
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND:
            return status.st_size
        return os.lseek(fd, 0, os.SEEK_CUR)
    except (AttributeError, ValueError, OSError):  # not a file (a test's StringIO)
        return None


#: The options whose command only prints (it starts nothing).
PRINTING = ("dry_run", "list", "export", "probe")


def hold_output(options: Mapping[str, Any]) -> io.StringIO | None:
    """Where a command that only prints writes when its output is a file:
    written out at the end, whole or not at all (:func:`write_held`). Python's
    buffered file loses a write that fills the disk without an error; a
    descriptor written to directly reports it."""
    if not any(options.get(name) for name in PRINTING) or output_start() is None:
        return None
    return io.StringIO()


def write_held(held: io.StringIO | None) -> None:
    """Write what :func:`hold_output` held to standard output's descriptor."""
    if held is None:
        return
    sys.stdout.flush()
    encoding = sys.stdout.encoding or "utf-8"
    data = memoryview(held.getvalue().encode(encoding, sys.stdout.errors or "strict"))
    fd = sys.stdout.fileno()
    while data:
        data = data[os.write(fd, data) :]  # a full disk raises on the next write


#: How writing to standard output fails: no space (a full disk, ``/dev/full``),
#: over a quota or a file size limit, an I/O error, a descriptor that is closed.
OUTPUT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}
)


def is_output_error(exc: OSError) -> bool:
    """Whether an error is the output's (a file the run opened has a name)."""
    return exc.filename is None and exc.errno in OUTPUT_ERRNOS


def output_failed(exc: OSError, start: int | None) -> NoReturn:
    """Writing the output failed (a full disk, ``/dev/full``): take back what
    was written of it to a file, let nothing write there again, and say so."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    if start is not None:
        with contextlib.suppress(OSError):
            os.ftruncate(sys.stdout.fileno(), start)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(devnull, sys.stdout.fileno())
    reason = exc.strerror or type(exc).__name__
    raise ConfigurationError(
        f"cannot write the output ({reason}); nothing of it was kept"
        if start is not None
        else f"cannot write the output ({reason})"
    ) from exc
