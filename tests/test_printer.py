"""Prefixed output of several processes."""

from __future__ import annotations

import contextlib
import os
import pty
import tempfile
from collections.abc import Iterator

import pytest

from django_prodserver.printer import MAX_LINE, LineWriter, Output, Printer


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


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ([b"one\ntwo\n"], b"P one\nP two\n"),
        ([b"spl", b"it\n"], b"P split\n"),
        ([b"a\n\nb\n"], b"P a\nP \nP b\n"),
        ([b"bad \xff\xfe\n"], b"P bad \xff\xfe\n"),
        ([b"50%\r100%\n"], b"P 50%\r100%\n"),
        ([b"last line without newline"], b"P last line without newline\n"),
        ([b"x\npartial"], b"P x\nP partial\n"),
        ([], b""),
    ],
)
def test_line_writer_prefixes_each_line(chunks: list[bytes], expected: bytes) -> None:
    with pipe() as (read_end, output):
        writer = LineWriter(b"P ", output)
        for chunk in chunks:
            writer.feed(chunk)
        writer.close()
        assert written(read_end, output) == expected


def test_partial_line_waits_for_its_end() -> None:
    with pipe() as (read_end, output):
        writer = LineWriter(b"P ", output)
        writer.feed(b"no end yet")
        assert writer.pending == b"no end yet"
        writer.feed(b" ... now\n")
        assert writer.pending == b""
        assert written(read_end, output) == b"P no end yet ... now\n"


def test_overlong_line_is_printed_in_pieces() -> None:
    with pipe() as (read_end, output):
        writer = LineWriter(b"P ", output)
        writer.feed(b"x" * (MAX_LINE + 1))
        assert writer.pending == b""
        writer.close()
        assert written(read_end, output) == b"P " + b"x" * (MAX_LINE + 1) + b"\n"


def test_names_are_padded_to_the_longest() -> None:
    printer = Printer(["web", "worker_long_name"], environ={})
    assert printer.prefix("web", printer.stdout) == b"web              | "
    short = Printer(["web", "api"], environ={})
    assert short.prefix("web", short.stdout) == b"web        | "  # as wide as ours


def test_messages_go_to_stderr_with_our_name() -> None:
    with pipe() as (out_read, out), pipe() as (err_read, err):
        printer = Printer(["web"], environ={}, stdout=out.fd, stderr=err.fd)
        printer.message("web exited")
        printer.writer("web", "stdout").feed(b"hello\n")
        printer.writer("web", "stderr").feed(b"oops\n")
        assert written(err_read, err) == b"prodserver | web exited\nweb        | oops\n"
        assert written(out_read, out) == b"web        | hello\n"


def test_colour_only_on_a_terminal() -> None:
    master, slave = pty.openpty()
    read_end, write_end = os.pipe()
    try:
        on_tty = Printer(["web", "api"], environ={}, stdout=slave)
        assert on_tty.stdout.colour
        web = on_tty.prefix("web", on_tty.stdout)
        api = on_tty.prefix("api", on_tty.stdout)
        assert web.startswith(b"\x1b[36m")
        assert web.endswith(b"\x1b[0m ")
        assert api.startswith(b"\x1b[33m")  # another colour per process
        assert not Printer(["web"], environ={}, stdout=write_end).stdout.colour
        no_colour = Printer(["web"], environ={"NO_COLOR": "1"}, stdout=slave)
        assert no_colour.prefix("web", no_colour.stdout) == b"web        | "
    finally:
        for fd in (master, slave, read_end, write_end):
            os.close(fd)


def test_a_closed_output_is_dropped_without_error() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    output = Output(write_end, colour=False)
    try:
        output.write(b"nobody reads this\n")
        assert not output.open
        output.write(b"nor this\n")
    finally:
        os.close(write_end)
