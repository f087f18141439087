"""Prefixed output of several processes."""

from __future__ import annotations

import os
import pty
import re

import pytest

from django_prodserver.launch.printer import MAX_LINE, LineWriter, Printer
from django_prodserver.launch.writing import PIPE_SIZE
from tests.sinks import pipe, read_all, written


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
