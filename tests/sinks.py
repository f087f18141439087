"""Descriptors to print into, for the tests of the supervisor's output."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

from django_prodserver.launch.output import Output
from django_prodserver.launch.printer import MAX_LINE


@contextlib.contextmanager
def pipe() -> Iterator[tuple[int, Output]]:
    """A file to print into (a pipe would fill up): a reading descriptor of it,
    and an uncoloured Output writing to it."""
    with tempfile.TemporaryFile() as sink:
        read_end = os.dup(sink.fileno())
        write_end = os.dup(sink.fileno())
        try:
            yield read_end, Output(write_end, colour=False)
        finally:
            os.close(read_end)
            with contextlib.suppress(OSError):
                os.close(write_end)


def written(read_end: int, output: Output) -> bytes:
    os.close(output.fd)
    return os.pread(read_end, 10 * MAX_LINE, 0)


def read_all(fd: int) -> bytes:
    """What a non-blocking pipe holds now."""
    chunks = []
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    return b"".join(chunks)
