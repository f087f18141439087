"""Where the supervisor's output goes: a descriptor that is never waited on."""

from __future__ import annotations

import contextlib
import json
import os
import socket

from django_prodserver.launch.output import HIGH_WATER, Output, write_notices
from django_prodserver.launch.printer import LineFormat, Printer
from django_prodserver.launch.writing import PIPE_SIZE
from tests.sinks import pipe, read_all, written


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


def test_notices_in_the_format_of_the_lines() -> None:
    """Where every line is a JSON object, so is the count of lines lost."""
    with pipe() as (read_end, output):
        output.count_abandoned("web", 3)
        json_lines = LineFormat("json")
        printer = Printer(["web"], {}, output.fd, output.fd, line_format=json_lines)
        write_notices([output], output, printer.render)
        (line,) = written(read_end, output).splitlines()
    record = json.loads(line)
    assert record["process"] == "prodserver"
    assert record["message"] == "3 lines of web not written: output blocked"
