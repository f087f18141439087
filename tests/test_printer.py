"""Prefixed output of several processes."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil
import pytest

from django_prodserver.launch.payload import Payload
from django_prodserver.launch.plan import Plan
from django_prodserver.launch.printer import (
    MAX_LINE,
    JsonLineWriter,
    LineFormat,
    LineWriter,
    Printer,
    time_text,
)
from django_prodserver.launch.writing import PIPE_SIZE
from tests.processes import (
    EXAMPLE_DIR,
    MANAGE_PY,
    console_script,
    example_env,
    launch,
    prodserver,
)
from tests.sinks import pipe, read_all, written

#: A time as ``--timestamps`` and JSON's ``time`` give it: ISO 8601, UTC, ms.
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


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


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_stdout_and_stderr_on_one_pipe_share_one_output(log_format: str) -> None:
    """``2>&1``: both streams wait in one buffer, so that a line of one never
    lands inside a line of the other, however the pipe takes them."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    try:
        printer = Printer(
            ["web"], {}, write_end, write_end, line_format=LineFormat(log_format)
        )
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
    if log_format == "json":
        lines = [f"web | {json.loads(line)['message']}" for line in lines]
    for line in lines:
        assert re.fullmatch(r"web +\| (out \d+ o+|err \d+ e+)", line), line


# -- line formats -------------------------------------------------------------------


def test_time_text_is_iso_8601_utc_to_the_millisecond() -> None:
    assert time_text(0) == "1970-01-01T00:00:00.000Z"
    assert time_text(1_700_000_000.9996) == "2023-11-14T22:13:20.999Z"
    parsed = datetime.fromisoformat(time_text())
    assert parsed.tzinfo == timezone.utc
    assert abs(parsed.timestamp() - time.time()) < 5


def test_timestamps_go_in_front_of_each_line() -> None:
    with pipe() as (read_end, output):
        writer = LineWriter("p", b"P ", output, clock=lambda: b"T ")
        writer.feed(b"one\ntw")
        writer.feed(b"o\nthree")
        writer.close()
        assert written(read_end, output) == b"T P one\nT P two\nT P three\n"


def test_without_prefix_lines_are_printed_bare() -> None:
    with pipe() as (out_read, out), pipe() as (err_read, err):
        printer = Printer(
            ["web"], {}, out.fd, err.fd, line_format=LineFormat(prefix=False)
        )
        printer.writer("web", "stdout").feed(b"hello\nwor")
        printer.writer("web", "stderr").feed(b"oops\n")
        printer.message("web exited")
        assert written(out_read, out) == b"hello\n"  # "wor" waits for its end
        assert written(err_read, err) == b"oops\nprodserver: web exited\n"


def test_timestamps_without_prefix() -> None:
    with pipe() as (out_read, out):
        line_format = LineFormat(timestamps=True, prefix=False)
        printer = Printer(["web"], {}, out.fd, out.fd, line_format=line_format)
        printer.writer("web", "stdout").feed(b"a\nb\n")
        printer.message("done")
        text = written(out_read, out).decode()
    assert re.fullmatch(f"{TIME} a\n{TIME} b\n{TIME} prodserver: done\n", text)


def records(data: bytes) -> list[dict[str, object]]:
    """Every line of ``data``, each parsed as one JSON object."""
    return [json.loads(line) for line in data.decode().split("\n")[:-1]]


def test_json_gives_one_object_per_line() -> None:
    with pipe() as (read_end, output):
        writer = JsonLineWriter("web", "stderr", 42, output)
        for chunk in (b"one\nt", b'w"o\\\n\n', b"bad \xff\xfe\r\n", b"caf\xc3\xa9 end"):
            writer.feed(chunk)
        writer.close()
        data = written(read_end, output)
    found = records(data)
    assert [r["message"] for r in found] == [
        "one",
        'tw"o\\',
        "",
        "bad \ufffd\ufffd\r",
        "caf\u00e9 end",
    ]
    for record in found:
        assert list(record) == ["time", "process", "stream", "pid", "message"]
        assert (record["process"], record["stream"], record["pid"]) == (
            "web",
            "stderr",
            42,
        )
        assert re.fullmatch(TIME, str(record["time"]))


def test_json_prints_an_overlong_line_in_max_line_pieces() -> None:
    with pipe() as (read_end, output):
        writer = JsonLineWriter("p", "stdout", 1, output)
        writer.feed(b"x" * (MAX_LINE + 1))
        writer.feed(b"y\n")
        data = written(read_end, output)
    assert [r["message"] for r in records(data)] == ["x" * MAX_LINE, "xy"]


def test_json_messages_and_writers_of_a_printer() -> None:
    master, slave = pty.openpty()
    try:
        printer = Printer(["web"], {}, slave, slave, line_format=LineFormat("json"))
        assert not printer.stdout.colour  # JSON is never coloured
        assert isinstance(printer.writer("web", "stdout", 7), JsonLineWriter)
    finally:
        os.close(master)
        os.close(slave)
    with pipe() as (read_end, output):
        printer = Printer(
            ["web"], {}, output.fd, output.fd, line_format=LineFormat("json")
        )
        printer.message("web started (pid 7)")
        data = written(read_end, printer.stderr)
    (record,) = records(data)
    assert record["process"] == "prodserver"
    assert record["pid"] == os.getpid()
    assert record["message"] == "web started (pid 7)"


PLAN = Plan(name="web", backend="x.Y", argv=("true",), env={}, cwd="/")


@pytest.mark.parametrize(
    "line_format",
    [
        LineFormat(),
        LineFormat("json"),
        LineFormat("text", timestamps=True, prefix=False),
    ],
)
def test_the_line_format_reaches_the_supervisor(line_format: LineFormat) -> None:
    decoded = Payload.decode(Payload([PLAN], line_format=line_format).encode())
    assert decoded.line_format.to_payload() == line_format.to_payload()


def test_a_payload_without_a_line_format_prints_text() -> None:
    encoded = json.loads(Payload([PLAN]).encode())
    del encoded["lines"]
    assert Payload.decode(json.dumps(encoded).encode()).line_format.to_payload() == (
        LineFormat().to_payload()
    )


# -- through the real command ---------------------------------------------------------

SETTINGS = "--settings=mysite.settings_signals"


def run_several(tmp_path: Path, *args: str, **env: str) -> bytes:
    """The output of ``prodserver ARGS`` (processes that exit by themselves)."""
    with launch(prodserver(SETTINGS, *args), tmp_path, env=example_env(**env)) as run:
        assert run.wait() == 0, run.text()
        return run.output.read_bytes()


@pytest.mark.integration
def test_json_lines_of_two_processes(tmp_path: Path) -> None:
    """chatty writes its numbered lines and exits; other is stopped then."""
    before = time.time()
    found = records(run_several(tmp_path, "chatty", "other", "--log-format", "json"))
    after = time.time()
    for record in found:
        assert list(record) == ["time", "process", "stream", "pid", "message"]
        when = datetime.fromisoformat(str(record["time"])).timestamp()
        assert before - 1 <= when <= after + 1
    started = {
        str(match[1]): int(match[2])
        for r in found
        if r["process"] == "prodserver"
        and (match := re.fullmatch(r"(\w+) started \(pid (\d+)\)", str(r["message"])))
    }
    by_process: dict[str, list[str]] = {"chatty": [], "other": []}
    for record in found:
        if record["process"] != "prodserver":
            assert record["pid"] == started[str(record["process"])]
            by_process[str(record["process"])].append(str(record["message"]))
    numbered = [line for line in by_process["chatty"] if line.startswith("line ")]
    assert numbered == [f"line {number}" for number in range(50000)]
    # other may be stopped before it is ready (before it says anything).
    said = [f"ready {started['other']}", "got SIGTERM", "stopped"]
    assert by_process["other"] == said[: len(by_process["other"])]


@pytest.mark.integration
def test_json_keeps_streams_partial_lines_and_bad_utf8(tmp_path: Path) -> None:
    found = records(run_several(tmp_path, "noisy", "other", "--log-format=json"))
    noisy = {(r["stream"], r["message"]) for r in found if r["process"] == "noisy"}
    assert ("stderr", "to stderr") in noisy
    assert ("stdout", "bad \ufffd\ufffd utf-8") in noisy
    assert ("stdout", "no newline at the end") in noisy


@pytest.mark.integration
def test_timestamps_in_front_of_every_line(tmp_path: Path) -> None:
    output = run_several(tmp_path, "noisy", "other", "--timestamps").decode(
        errors="replace"
    )
    for line in output.splitlines():
        if line.startswith("prodserver: "):  # the start-up lines, on stderr
            continue
        assert re.match(f"{TIME} (noisy|other|prodserver) +\\| ", line), line
    assert re.search(f"^{TIME} noisy +\\| to stderr$", output, re.M)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "env"),
    [(("--no-prefix",), {}), ((), {"PRODSERVER_NO_PREFIX": "1"})],
)
def test_no_prefix_prints_lines_bare(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    output = run_several(tmp_path, "noisy", "other", *args, **env).decode(
        errors="replace"
    )
    lines = output.splitlines()
    assert "to stderr" in lines
    assert "no newline at the end" in lines
    assert "prodserver: other stopped with status 0" in lines
    assert not [line for line in lines if " | " in line]


@pytest.mark.integration
def test_the_log_format_from_the_environment(tmp_path: Path) -> None:
    found = records(
        run_several(tmp_path, "noisy", "other", PRODSERVER_LOG_FORMAT="json")
    )
    assert {"noisy", "prodserver"} <= {r["process"] for r in found}
    assert ("stderr", "to stderr") in {
        (r["stream"], r["message"]) for r in found if r["process"] == "noisy"
    }


@pytest.mark.integration
def test_a_bad_variable_is_one_line_and_starts_nothing(tmp_path: Path) -> None:
    with launch(
        prodserver(SETTINGS, "noisy", "other"),
        tmp_path,
        env=example_env(PRODSERVER_LOG_FORMAT="xml"),
    ) as run:
        assert run.wait() == 2
        text = run.text()
    assert text.count("\n") == 1, text
    assert "PRODSERVER_LOG_FORMAT" in text
    assert "'xml'" in text
    assert "started" not in text


def on_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run ``argv`` with its stdout and stderr on a new pseudo-terminal: its
    exit status and what it printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        argv,
        cwd=EXAMPLE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    received = bytearray()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            try:
                chunk = os.read(master, 65536) if ready else b"..."
            except OSError:  # EIO: every writer has gone
                break
            if not chunk:
                break
            if ready:
                received += chunk
        return proc.wait(timeout=10), bytes(received)
    finally:
        if proc.poll() is None:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            proc.wait()
        os.close(master)


@pytest.mark.integration
@pytest.mark.parametrize("script", [True, False], ids=["console-script", "manage.py"])
@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({}, (), True),
        ({"NO_COLOR": "1"}, (), False),
        ({"NO_COLOR": "1"}, ("--force-color",), True),  # the option wins
        ({"NO_COLOR": ""}, (), True),  # empty is unset
    ],
)
def test_errors_on_a_terminal_follow_no_color(
    script: bool, env: dict[str, str], args: tuple[str, ...], coloured: bool
) -> None:
    command = [console_script()] if script else [sys.executable, str(MANAGE_PY)]
    argv = [*command, *([] if script else ["prodserver"]), "nosuch", SETTINGS, *args]
    status, output = on_terminal(argv, example_env(**env))
    assert status != 0
    assert b"nosuch" in output
    assert (b"\x1b[" in output) is coloured, output


@pytest.mark.integration
@pytest.mark.parametrize(("env", "coloured"), [({}, True), ({"NO_COLOR": "1"}, False)])
def test_prefixes_on_a_terminal_follow_no_color(
    env: dict[str, str], coloured: bool
) -> None:
    status, output = on_terminal(
        prodserver(SETTINGS, "noisy", "other"), example_env(**env)
    )
    assert status == 0, output
    assert b"other stopped with status 0" in output
    assert (b"\x1b[" in output) is coloured, output
