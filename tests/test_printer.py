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


def read_all(fd: int) -> bytes:
    """What a non-blocking pipe holds now."""
    chunks = []
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    return b"".join(chunks)


def test_output_nobody_reads_never_blocks_and_drops_what_does_not_fit() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    try:
        output = Output(write_end, colour=False, limit=1000)
        line = b"x" * 99 + b"\n"
        for _ in range(2000):  # 200 KB: more than the pipe and the buffer hold
            output.write(line)
        assert output.waiting
        assert 0 < len(output.pending) <= 1000 + len(line)
        dropped = output.dropped
        assert dropped > 0
        received = read_all(read_end)  # the reader reads again
        while output.waiting:
            output.flush()
            received += read_all(read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    lines = received.splitlines(keepends=True)
    assert set(lines[:-1]) == {line}  # whole lines only, in order
    assert len(lines) - 1 + dropped == 2000
    assert (
        lines[-1]
        == (
            f"prodserver: {dropped} lines of output dropped: "
            "the output was not being read\n"
        ).encode()
    )


def test_output_to_a_pipe_is_written_without_making_it_non_blocking() -> None:
    """The pipe's own description stays as it was (others may share it)."""
    read_end, write_end = os.pipe()
    try:
        output = Output(write_end, colour=False)
        output.write(b"hello\n")
        assert os.get_blocking(write_end)
        assert os.read(read_end, 100) == b"hello\n"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_messages_of_several_processes_say_who_dropped_output() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    try:
        printer = Printer(["web"], environ={}, stderr=write_end)
        printer.stderr.limit = 100
        for _ in range(5000):  # 120 KB
            printer.message("web exited")
        assert printer.stderr.dropped
        received = read_all(read_end)
        while printer.stderr.waiting:
            printer.stderr.flush()
            received += read_all(read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert received.splitlines()[-1].startswith(b"prodserver | ")
    assert b"lines of output dropped" in received.splitlines()[-1]
