"""Prefixed output of several processes."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import socket
import tempfile
from collections.abc import Iterator

import pytest

from django_prodserver.launch.printer import (
    HIGH_WATER,
    MAX_LINE,
    PIPE_SIZE,
    LineWriter,
    Output,
    Printer,
    write_notices,
)


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
        writer = LineWriter("p", b"P ", output)
        for chunk in chunks:
            writer.feed(chunk)
        writer.close()
        assert written(read_end, output) == expected


def test_partial_line_waits_for_its_end() -> None:
    with pipe() as (read_end, output):
        writer = LineWriter("p", b"P ", output)
        writer.feed(b"no end yet")
        assert writer.pending == b"no end yet"
        writer.feed(b" ... now\n")
        assert writer.pending == b""
        assert written(read_end, output) == b"P no end yet ... now\n"


def test_overlong_line_is_printed_in_pieces_of_max_line() -> None:
    with pipe() as (read_end, output):
        writer = LineWriter("p", b"P ", output)
        writer.feed(b"x" * (MAX_LINE + 1))
        assert writer.pending == b"x"
        writer.feed(b"y" * (MAX_LINE + 1))
        writer.close()
        assert written(read_end, output) == (
            b"P " + b"x" * MAX_LINE + b"\n"
            b"P " + b"x" + b"y" * (MAX_LINE - 1) + b"\n"
            b"P " + b"yy\n"
        )


def test_long_line_that_ends_within_a_read_is_printed_whole() -> None:
    with pipe() as (read_end, output):
        writer = LineWriter("p", b"P ", output)
        writer.feed(b"a\n" + b"x" * (4 * MAX_LINE) + b"\nb")
        writer.close()
        expected = b"P a\nP " + b"x" * (4 * MAX_LINE) + b"\nP b\n"
        assert written(read_end, output) == expected


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
        output.write("web", b"nobody reads this\n")
        assert not output.open
        output.write("web", b"nor this\n")
    finally:
        os.close(write_end)


def read_all(fd: int) -> bytes:
    """What a non-blocking pipe holds now."""
    chunks = []
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    return b"".join(chunks)


def test_output_nobody_reads_holds_everything_and_asks_to_wait() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    try:
        output = Output(write_end, colour=False)
        line = b"x" * 99 + b"\n"
        count = 2 * HIGH_WATER // len(line) + 2 * PIPE_SIZE // len(line)
        for _ in range(count):  # more than the pipe holds, and past the mark
            output.write("web", line)
        assert output.waiting
        assert output.full  # the supervisor stops reading the programs
        received = read_all(read_end)  # the reader reads again
        while output.waiting:
            output.flush()
            received += read_all(read_end)
        assert not output.full
    finally:
        os.close(read_end)
        os.close(write_end)
    assert received == line * count  # nothing dropped, in order
    assert output.notices() == []


def test_abandoned_output_is_counted_per_process() -> None:
    read_end, write_end = os.pipe()
    try:
        output = Output(write_end, colour=False)
        for index in range(PIPE_SIZE // 10):  # fills the pipe and more
            output.write("web", f"web {index:5}\n".encode())
            output.write("worker", b"worker\n")
        assert output.waiting
        assert output.blocked_since is not None
        assert output.stalled(output.blocked_since + 1.0, 1.0)
        output.abandon()
        output.write("web", b"web again\n", b"and again\n")
        assert not output.waiting
        received = os.read(read_end, 2 * PIPE_SIZE)
    finally:
        os.close(read_end)
        os.close(write_end)
    web = received.count(b"web ")
    worker = received.count(b"worker\n")
    assert output.abandoned == {
        "web": PIPE_SIZE // 10 - web + 2,
        "worker": PIPE_SIZE // 10 - worker,
    }
    with pipe() as (err_read, err):
        write_notices([output], err)
        notices = written(err_read, err).decode().splitlines()
    assert notices == [
        f"prodserver: {output.abandoned[name]} lines of {name} not written: "
        "output blocked"
        for name in ("web", "worker")
    ]


def test_output_to_a_pipe_is_written_without_making_it_non_blocking() -> None:
    """The pipe's own description stays as it was (others may share it)."""
    read_end, write_end = os.pipe()
    try:
        output = Output(write_end, colour=False)
        output.write("web", b"hello\n")
        assert os.get_blocking(write_end)
        assert os.read(read_end, 100) == b"hello\n"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_stdout_and_stderr_on_one_pipe_share_one_output() -> None:
    """``2>&1``: both streams wait in one buffer, so that a line of one never
    lands inside a line of the other, however the pipe takes them."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    try:
        printer = Printer(["web"], environ={}, stdout=write_end, stderr=write_end)
        assert printer.outputs == (printer.stdout,)
        assert printer.stderr is printer.stdout
        out, err = printer.writer("web", "stdout"), printer.writer("web", "stderr")
        for index in range(PIPE_SIZE // 50):  # more than the pipe takes at once
            out.feed(f"out {index} ".encode().ljust(40, b"o") + b"\n")
            err.feed(f"err {index} ".encode().ljust(40, b"e") + b"\n")
        received = read_all(read_end)
        while printer.stdout.waiting:
            printer.stdout.flush()
            received += read_all(read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    lines = received.decode().splitlines()
    assert len(lines) == 2 * (PIPE_SIZE // 50)
    for line in lines:
        assert re.fullmatch(r"web +\| (out \d+ o+|err \d+ e+)", line), line


def test_output_to_a_socket_is_written_without_waiting() -> None:
    """A socket (the systemd journal's stream) takes what it can at once."""
    ours, theirs = socket.socketpair()
    try:
        output = Output(ours.fileno(), colour=False)
        line = b"y" * 99 + b"\n"
        count = 4 * PIPE_SIZE // len(line)
        for _ in range(count):  # more than the socket's buffers hold
            output.write("web", line[:50], line[50:])
        assert output.waiting
        received = b""
        theirs.setblocking(False)
        while output.waiting or len(received) < count * len(line):
            with contextlib.suppress(BlockingIOError):
                received += theirs.recv(1 << 20)
            output.flush()
    finally:
        ours.close()
        theirs.close()
    assert received == line * count
