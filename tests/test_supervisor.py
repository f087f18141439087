"""Spawn mode with real processes.

The children are :mod:`mysite.signal_echo` programs, which print each signal
they get. Most tests go through the real command (``prodserver NAME --spawn``);
the exit-status sweep runs the supervisor module directly, without Django's
start-up, to stay quick.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import psutil
import pytest

from django_prodserver.launch.payload import PAYLOAD_VARIABLE, Payload
from django_prodserver.launch.plan import Plan
from django_prodserver.launch.printer import MAX_LINE
from django_prodserver.launch.writing import PIPE_SIZE
from django_prodserver.signals import FORWARDABLE
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    Known,
    Launched,
    example_env,
    get,
    launch,
    prodserver,
    python_output,
    still_running,
    wait_for_http,
    wait_until,
)

pytestmark = pytest.mark.integration

SETTINGS = "--settings=mysite.settings_signals"
#: The forwardable signals, TERM (which stops the echo) last.
SIGNALS = [signal.Signals[name] for name in sorted(FORWARDABLE - {"SIGTERM"})] + [
    signal.SIGTERM
]


def spawn(*args: str) -> list[str]:
    return prodserver(SETTINGS, *args)


def child_pid(launched: Launched) -> int:
    """The echo's PID, from its ``ready`` line."""
    match = re.search(r"ready (\d+)", launched.wait_for_text("ready"))
    assert match is not None
    return int(match.group(1))


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


# -- one process ------------------------------------------------------------------


def test_each_signal_reaches_the_child_once(tmp_path: Path) -> None:
    with launch(spawn("echo", "--spawn"), tmp_path) as launcher:
        pid = child_pid(launcher)
        assert os.getpgid(pid) == pid != os.getpgid(launcher.pid)
        for sig in SIGNALS:
            launcher.signal(sig)
            launcher.wait_for_text(f"got {sig.name}")
            if sig != signal.SIGTERM:
                assert launcher.proc.poll() is None, f"launcher died of {sig.name}"
        assert launcher.wait() == 0
        received = [line for line in lines(launcher.text()) if line.startswith("got")]
    assert received == [f"got {sig.name}" for sig in SIGNALS]


def test_signals_go_to_the_childs_pid_not_its_group(tmp_path: Path) -> None:
    with launch(spawn("twins", "--spawn"), tmp_path) as launcher:
        launcher.wait_for_text("ready", count=2)
        launcher.signal(signal.SIGUSR1)
        launcher.wait_for_text("got SIGUSR1")
        launcher.signal(signal.SIGTERM)  # the twin stays: killed with the group
        assert launcher.wait() == 0
        twin = int(launcher.text().split("twin ready ")[1].split()[0])
        assert wait_until(lambda: not running(twin), timeout=10)
        text = launcher.text()
    assert "twin got" not in text


def test_signals_the_backend_does_not_take_are_not_forwarded(tmp_path: Path) -> None:
    with launch(spawn("picky", "--spawn"), tmp_path) as launcher:
        child_pid(launcher)
        for sig in (signal.SIGHUP, signal.SIGUSR2, signal.SIGUSR1):
            launcher.signal(sig)
        launcher.wait_for_text("got SIGUSR1")  # signals are handled in order
        assert launcher.proc.poll() is None
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
        text = launcher.text()
    assert "SIGHUP" not in text
    assert "SIGUSR2" not in text


def test_term_becomes_the_backends_stop_signal(tmp_path: Path) -> None:
    with launch(spawn("by_int", "--spawn"), tmp_path) as launcher:
        child_pid(launcher)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
        text = launcher.text()
    assert "got SIGINT" in text
    assert "got SIGTERM" not in text


def test_exit_code_of_the_child_is_the_launchers(tmp_path: Path) -> None:
    with launch(spawn("echo", "--spawn", "--", "--exit-code=42"), tmp_path) as launcher:
        assert launcher.wait() == 42


def test_death_by_the_stop_signal_sent_is_a_clean_stop(tmp_path: Path) -> None:
    """uvicorn re-raises SIGTERM after a clean shutdown."""
    with launch(spawn("reraise", "--spawn"), tmp_path) as launcher:
        child_pid(launcher)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0


def test_death_by_a_signal_the_launcher_did_not_send_is_128_plus_n(
    tmp_path: Path,
) -> None:
    with launch(spawn("reraise", "--spawn"), tmp_path) as launcher:
        os.kill(child_pid(launcher), signal.SIGTERM)
        assert launcher.wait() == 128 + signal.SIGTERM


def test_child_that_forks_and_exits_leaves_nothing(tmp_path: Path) -> None:
    with launch(spawn("forking", "--spawn"), tmp_path) as launcher:
        assert launcher.wait() == 0
        helper = int(launcher.wait_for_text("helper").split("helper ")[1].split()[0])
        assert wait_until(lambda: not running(helper), timeout=10)


def test_stop_timeout_kills_a_single_stubborn_child(tmp_path: Path) -> None:
    argv = spawn("stubborn", "--spawn", "--stop-timeout=0.5")
    with launch(argv, tmp_path) as launcher:
        child_pid(launcher)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 128 + signal.SIGKILL
        assert "did not stop within 0.5 s" in launcher.text()


def test_ctrl_c_on_a_terminal_reaches_the_child_once() -> None:
    with terminal(spawn("echo", "--spawn")) as console:
        console.read("ready")
        console.type(b"\x03")  # Ctrl-C
        console.read("got SIGINT")
        # Anything the terminal sent the child directly would come before this.
        os.kill(console.pid, signal.SIGUSR1)
        console.read("got SIGUSR1")
        os.kill(console.pid, signal.SIGTERM)
        text = console.read("stopped")
        assert console.wait() == 0
    assert text.count("got SIGINT") == 1


@pytest.mark.parametrize(("option", "coloured"), [((), True), (("--no-color",), False)])
def test_prefix_colours_on_a_terminal_follow_no_color(
    option: tuple[str, ...], coloured: bool
) -> None:
    with terminal(spawn("echo", "other", *option)) as console:
        console.read("ready", count=2)
        os.kill(console.pid, signal.SIGTERM)
        text = console.read("other stopped")
        assert console.wait() == 0
    assert ("\x1b[" in text) is coloured


def test_sigkill_of_the_launcher_leaves_no_child(tmp_path: Path) -> None:
    """Killed at moments around the child's start: while Django starts, while
    the supervisor starts, right after the fork, and once the child runs."""
    for attempt in range(20):
        tag = f"--tag={uuid.uuid4().hex}"
        with launch(spawn("echo", "--spawn", "--", tag), tmp_path) as launcher:
            # The moments of the kill are what this test is about: slept on.
            if attempt < 10:  # blind: somewhere in the launcher's start
                time.sleep(0.2 + attempt * 0.05)
                launcher.remember_tree()
            else:  # from the moment the child exists (forked, maybe not exec'd)
                assert wait_until(launcher.children, timeout=30, interval=0.005)
                time.sleep((attempt % 5) * 0.03)
            launcher.proc.kill()
            launcher.wait()
            descendants = [
                p for p in launcher.known.by_pid.values() if p.pid != launcher.pid
            ]
            left = partial(survivors, tag, descendants)
            assert wait_until(lambda: not left(), timeout=10), left()  # noqa: B023


def survivors(tag: str, processes: list[psutil.Process]) -> list[int]:
    """Processes of one launch still running: by the tag, or as remembered."""
    return tagged(tag) + [p.pid for p in processes if still_running(p)]


def term_while_blocked() -> None:
    """In the forked child: what the command does before it execs the
    supervisor (block the signals), and a TERM that arrives right then."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    os.kill(os.getpid(), signal.SIGTERM)


def test_stop_sent_before_the_child_starts_starts_nothing() -> None:
    with payload_fd([echo_spec("echo")]) as (env, fds):
        supervisor = subprocess.Popen(
            supervisor_argv(),
            env=env,
            stdout=subprocess.PIPE,
            preexec_fn=term_while_blocked,
            pass_fds=fds,
        )
        try:
            output, _ = supervisor.communicate(timeout=30)
        finally:
            supervisor.kill()
            supervisor.wait()
    assert supervisor.returncode == 0
    assert b"ready" not in output


def test_program_that_cannot_start_is_a_one_line_error(tmp_path: Path) -> None:
    argv = prodserver(
        "missing", "--spawn", "--settings=mysite.settings_custom", "--skip-checks"
    )
    with launch(argv, tmp_path) as launcher:
        assert launcher.wait() == 1
        text = launcher.text()
    assert "missing: cannot start prodserver-test-no-such-program" in text
    assert "Traceback" not in text


# -- several processes -----------------------------------------------------------


def test_several_processes_prefix_every_line(tmp_path: Path) -> None:
    with launch(spawn("noisy", "other"), tmp_path) as launcher:
        assert launcher.wait() == 0  # noisy exits 0: other is stopped cleanly
        raw = launcher.output.read_bytes()
    assert raw, "no output"
    for line in raw.splitlines():
        # The start-up lines (standard error) have a prefix of their own.
        assert re.match(rb"(noisy|other|prodserver) +\| |prodserver: ", line), line
    assert b"noisy      | bad \xff\xfe utf-8\n" in raw
    assert b"noisy      | no newline at the end\n" in raw
    assert b"noisy      | to stderr\n" in raw
    assert b"prodserver | other stopped with status 0\n" in raw


def test_no_line_is_lost_when_a_process_exits(tmp_path: Path) -> None:
    with launch(spawn("chatty", "other"), tmp_path) as launcher:
        assert launcher.wait() == 0
        text = launcher.text()
    printed = [line for line in text.splitlines() if line.startswith("chatty ")]
    assert printed[1:] == [f"chatty     | line {n}" for n in range(50000)]
    assert printed[0].startswith("chatty     | ready")
    # The supervisor speaks of the exit after the last line.
    assert text.index("chatty exited") > text.index("line 49999")


def test_one_process_failing_stops_the_others(tmp_path: Path) -> None:
    with launch(spawn("failing", "echo", "other"), tmp_path) as launcher:
        assert launcher.wait() == 3
        text = launcher.text()
    assert "failing exited with status 3" in text
    # Stopped, whether or not they had installed their handlers yet.
    assert "echo stopped with status 0" in text
    assert "other stopped with status 0" in text


def test_term_stops_all_once_each(tmp_path: Path) -> None:
    with launch(spawn("slow_stop", "by_int", "pool"), tmp_path) as launcher:
        launcher.wait_for_text("ready", count=4)
        launcher.signal(signal.SIGTERM)
        launcher.wait_for_text("slow_stop  | got SIGTERM")
        time.sleep(0.3)  # a second request, not one burst with the first
        launcher.signal(signal.SIGINT)  # while stopping: not sent again
        assert launcher.wait() == 0
        text = launcher.text()
    assert "still stopping" in text  # the second request is acknowledged
    assert text.count("got SIGTERM") == 3  # slow_stop, pool.1, pool.2
    assert text.count("got SIGINT") == 1  # by_int's stop signal
    assert "pool.1     | stopped" in text
    assert "pool.2     | stopped" in text


def test_other_signals_go_to_every_process_that_takes_them(tmp_path: Path) -> None:
    with launch(spawn("echo", "picky"), tmp_path) as launcher:
        launcher.wait_for_text("ready", count=2)
        launcher.signal(signal.SIGHUP)
        launcher.signal(signal.SIGUSR1)
        launcher.wait_for_text("got SIGUSR1", count=2)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
        text = launcher.text()
    assert "echo       | got SIGHUP" in text
    assert "picky      | got SIGHUP" not in text


def test_stubborn_process_is_killed_after_the_stop_timeout(tmp_path: Path) -> None:
    with launch(spawn("stubborn", "echo", "--stop-timeout=1"), tmp_path) as launcher:
        launcher.wait_for_text("ready", count=2)
        children = [child.pid for child in launcher.children()]
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 128 + signal.SIGKILL
        text = launcher.text()
        assert not [pid for pid in children if running(pid)]
    assert "stubborn did not stop within 1 s: killing it" in text
    assert "echo stopped with status 0" in text


def test_each_process_has_its_own_stop_timeout(tmp_path: Path) -> None:
    """STOP_TIMEOUT of the entry, without --stop-timeout."""
    with launch(spawn("stubborn_quick", "slow_stop"), tmp_path) as launcher:
        launcher.wait_for_text("ready", count=2)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 128 + signal.SIGKILL
        text = launcher.text()
    assert "stubborn_quick did not stop within 1 s: killing it" in text
    assert "slow_stop stopped with status 0" in text  # its 1 s stop: not cut short


def test_second_stop_is_acknowledged_and_the_third_kills(tmp_path: Path) -> None:
    with launch(spawn("stubborn", "echo"), tmp_path) as launcher:
        launcher.wait_for_text("ready", count=2)
        launcher.signal(signal.SIGTERM)
        launcher.wait_for_text("echo stopped with status 0")
        time.sleep(0.3)  # a second request, not one burst with the first
        launcher.signal(signal.SIGINT)  # Ctrl-C, say
        launcher.wait_for_text(
            "still stopping stubborn; stop again to kill what is left"
        )
        assert launcher.proc.poll() is None
        time.sleep(0.3)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 128 + signal.SIGKILL
        text = launcher.text()
    assert "prodserver | killing stubborn" in text
    assert "did not stop within" not in text  # killed on request, not by its budget


def test_one_process_gets_every_stop_request(tmp_path: Path) -> None:
    """A second Ctrl-C means "force" to some programs: it must reach them."""
    with launch(spawn("slow_stop", "--spawn"), tmp_path) as launcher:
        child_pid(launcher)
        launcher.signal(signal.SIGTERM)
        launcher.wait_for_text("got SIGTERM")
        time.sleep(0.3)  # a second request, not one burst with the first
        launcher.signal(signal.SIGTERM)  # while it takes its 1 s to stop
        launcher.wait_for_text("got SIGTERM", count=2)
        assert launcher.wait() == 0
        assert "still stopping" not in launcher.text()


def test_a_process_that_fails_is_restarted_while_the_others_serve(
    tmp_path: Path, port: int
) -> None:
    counter = tmp_path / "runs"
    argv = spawn(
        "web", "flaky", "--", f"web:--bind={HOST}:{port}", f"flaky:--counter={counter}"
    )
    with launch(argv, tmp_path) as launcher:
        wait_for_http(f"http://{HOST}:{port}/", launcher.proc)
        text = launcher.wait_for_text("flaky started", count=3)
        assert "flaky exited with status 3: restarting in 1 s" in text
        assert "flaky exited with status 3: restarting in 2 s" in text
        launcher.wait_for_text("flaky      | ready", count=3)
        status, _ = get(f"http://{HOST}:{port}/")  # served all along
        assert status == 200
        assert counter.read_text() == "3"
        launcher.signal(signal.SIGTERM)
        assert launcher.wait(timeout=60) == 0, launcher.text()
        text = launcher.text()
    assert "web started" in text
    assert text.count("web started") == 1
    assert "web stopped with status 0" in text
    assert "flaky stopped with status 0" in text


def test_one_process_that_restarts_runs_under_the_supervisor(tmp_path: Path) -> None:
    """RESTART needs someone to start the program again: no exec."""
    counter = tmp_path / "runs"
    with launch(spawn("flaky", "--", f"--counter={counter}"), tmp_path) as launcher:
        text = launcher.wait_for_text("ready", count=3)
        assert "prodserver: flaky exited with status 3: restarting in 1 s" in text
        pids = re.findall(r"ready (\d+)", text)
        assert launcher.pid not in map(int, pids)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0


def test_output_nobody_reads_does_not_hold_up_a_stop(tmp_path: Path) -> None:
    """The launcher's stdout and stderr are pipes that the reader stopped
    reading: signals and the stop timeout are still acted on."""
    argv = spawn("spew", "spew_stubborn", "--stop-timeout=2")
    with unread_pipes(argv) as launcher:
        assert wait_until(lambda: len(launcher.children()) == 2, timeout=30)
        time.sleep(2)  # the pipes have long filled up
        launcher.signal(signal.SIGTERM)
        assert launcher.wait(timeout=2 + 3) == 128 + signal.SIGKILL
        assert wait_until(lambda: not launcher.alive(), timeout=10), launcher.alive()


@contextlib.contextmanager
def unread_pipes(argv: list[str]) -> Iterator[Launched]:
    """Start ``argv`` with its stdout and stderr on pipes that are never read."""
    proc = subprocess.Popen(
        argv,
        cwd=EXAMPLE_DIR,
        env=example_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    launched = Launched(proc, Path(os.devnull))
    try:
        yield launched
    finally:
        launched.kill_all()
        for pipe in (proc.stdout, proc.stderr):
            assert pipe is not None
            pipe.close()


def test_a_process_that_cannot_start_stops_the_others(tmp_path: Path) -> None:
    spec = Plan("missing", "", ("prodserver-test-no-such-program",), {}, "/")
    specs = [echo_spec("echo"), spec, echo_spec("other")]
    with supervising(specs, tmp_path) as sup:
        assert sup.wait() == 1
        text = sup.text()
    assert "missing: cannot start prodserver-test-no-such-program" in text
    assert "echo stopped with status 0" in text
    assert "other started" not in text


def test_forking_process_does_not_hold_up_the_others(tmp_path: Path) -> None:
    with launch(spawn("forking", "echo"), tmp_path) as launcher:
        assert launcher.wait() == 0
        text = launcher.text()
    helper = int(text.split("forking    | helper ")[1].split()[0])
    assert not running(helper)
    assert "echo stopped with status 0" in text


# -- the supervisor module directly -----------------------------------------------

EXIT_CODES = [0, 1, 2, 3, 42, 100, 126, 127, 128, 129, 200, 254, 255]


@pytest.mark.parametrize("code", EXIT_CODES)
def test_exit_codes_pass_through(tmp_path: Path, code: int) -> None:
    spec = echo_spec("echo", f"--exit-code={code}")
    with supervising([spec], tmp_path) as sup:
        assert sup.wait() == code


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGSEGV])
def test_death_by_signal_gives_128_plus_n(tmp_path: Path, sig: signal.Signals) -> None:
    spec = echo_spec("echo", f"--die-by={sig.name}")
    with supervising([spec], tmp_path) as sup:
        assert sup.wait() == 128 + sig


def test_supervisor_imports_no_django() -> None:
    code = (
        "import sys, django_prodserver.launch.supervision; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'django', 'psutil', 'typing', 'dataclasses'}))"
    )
    assert python_output(code) == "[]"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('{"processes": []}', "is not a file descriptor"),  # not a variable's JSON
        ("987", "cannot read the plans"),  # not an open descriptor
    ],
)
def test_supervisor_with_a_bad_payload_variable_explains_itself(
    value: str, words: str
) -> None:
    result = run_supervisor(example_env(**{PAYLOAD_VARIABLE: value}))
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_supervisor_without_a_payload_explains_itself() -> None:
    env = {k: v for k, v in os.environ.items() if k != PAYLOAD_VARIABLE}
    result = run_supervisor(env)
    assert result.returncode == 2
    assert "manage.py prodserver" in result.stderr


# -- output at any reader speed ---------------------------------------------------

#: Numbered lines each flood writes in the tests that count them (100 bytes each).
FLOOD_LINES = 100_000
#: A numbered line of a flood, as printed: ``a          | a 17 xxx…``.
FLOOD_LINE = re.compile(rb"(\w+) +\| (\w+) (\d+) x+")
#: Its other lines: the end of the numbers, the stop, a long line or its pieces.
OTHER_FLOOD_LINE = re.compile(rb"(\w+) +\| (\1 done|\1 stopping|(\1 long )?x+)")


def test_flood_through_the_supervisor_loses_no_line(tmp_path: Path) -> None:
    """Two processes write 10 MB each as fast as they can; the reader reads as
    fast as it can."""
    specs = [flood_spec(name, f"--lines={FLOOD_LINES}") for name in ("a", "b")]
    with supervising_to_pipe(specs, tmp_path) as (launcher, reader):
        received = reader.read_until(b"a done\n", b"b done\n")
        launcher.signal(signal.SIGTERM)
        received += reader.read_to_end()
        assert launcher.wait() == 0
    assert_every_line_once(received, {"a": FLOOD_LINES, "b": FLOOD_LINES})


def test_slow_reader_slows_the_writers_and_loses_no_line(tmp_path: Path) -> None:
    """The reader takes 1 MB/s for 5 s, then reads fast: the processes wait
    for it (the supervisor does not hold their output in memory), and every
    line arrives."""
    count = 60_000  # 12 MB together: more than 5 s of reading and every buffer
    specs = [flood_spec(name, f"--lines={count}") for name in ("a", "b")]
    with supervising_to_pipe(specs, tmp_path) as (launcher, reader):
        received = reader.read_slowly(rate=1_000_000, seconds=5)
        assert b"a done\n" not in received or b"b done\n" not in received
        supervisor = psutil.Process(launcher.pid)
        assert supervisor.memory_info().rss < 64 * 2**20
        received += reader.read_until(b"a done\n", b"b done\n")
        launcher.signal(signal.SIGTERM)
        received += reader.read_to_end()
        assert launcher.wait() == 0
    assert_every_line_once(received, {"a": count, "b": count})


def test_stalled_reader_does_not_hold_up_a_stop(tmp_path: Path) -> None:
    """Nobody reads the output any more: SIGTERM still stops both processes
    within their budget, gracefully (what they write while they stop is read
    and counted), and one line per process says how much of it was not
    written."""
    budget = 8
    specs = [flood_spec(name, "--forever", stop_timeout=budget) for name in "ab"]
    with supervising_to_pipe(specs, tmp_path) as (launcher, reader):
        assert wait_until(lambda: len(launcher.started()) == 2, timeout=10)
        # Both floods run (they handle SIGTERM), and the reader has stalled.
        pids = launcher.started().values()
        assert wait_until(lambda: all(catches(pid, signal.SIGTERM) for pid in pids))
        assert wait_until(lambda: reader.waiting() >= PIPE_SIZE // 2, timeout=10)
        launcher.signal(signal.SIGTERM)
        start = time.monotonic()
        status = launcher.wait(timeout=budget + 5)
        elapsed = time.monotonic() - start
        received = reader.read_to_end()
    errors = launcher.text()
    assert status == 0, errors  # each stopped of its own accord, nothing killed
    assert elapsed < budget, errors
    assert "did not stop within" not in errors
    notices = re.findall(
        r"^prodserver: [1-9]\d* lines of (\w+) not written: output blocked$",
        errors,
        re.MULTILINE,
    )
    assert notices, errors
    for name in ("a", "b"):
        # Once, for a process whose lines did not all get through.
        stopping = re.search(rf"(?m)^{name} +\| {name} stopping$", received.decode())
        assert notices.count(name) == (0 if stopping else 1), errors
    complete = received[: received.rfind(b"\n") + 1]  # the last may be cut short
    for found in numbered_lines(complete).values():  # one may have filled it
        assert found == list(range(len(found)))


def test_long_lines_are_passed_whole_or_in_max_line_pieces(tmp_path: Path) -> None:
    size = 1 << 20  # 1 MiB, written in one go and then its newline
    specs = [flood_spec(name, f"--long={size}", "--lines=10") for name in "ab"]
    with supervising_to_pipe(specs, tmp_path) as (launcher, reader):
        received = reader.read_until(b"a done\n", b"b done\n")
        launcher.signal(signal.SIGTERM)
        received += reader.read_to_end()
        assert launcher.wait() == 0
    assert_every_line_once(received, {"a": 10, "b": 10})
    for name in ("a", "b"):
        pieces = long_line(received, name)
        assert b"".join(pieces) == f"{name} long ".encode().ljust(size - 1, b"x")
        # Whole, or in MAX_LINE pieces (the last one shorter).
        assert len(pieces) == 1 or {len(p) for p in pieces[:-1]} == {MAX_LINE}


# -- helpers ----------------------------------------------------------------------


def run_supervisor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The supervisor started on its own, as the command starts it, with ``env``."""
    return subprocess.run(
        supervisor_argv(), env=env, capture_output=True, text=True, check=False,
        timeout=60,
    )  # fmt: skip


def echo_spec(name: str, *args: str) -> Plan:
    return Plan(
        name=name,
        backend="mysite.backends.SignalEcho",
        argv=(sys.executable, "-m", "mysite.signal_echo", *args),
        env={"PYTHONPATH": str(EXAMPLE_DIR)},
        cwd=str(EXAMPLE_DIR),
        accepted_signals=FORWARDABLE,
    )


def supervisor_argv() -> list[str]:
    return [sys.executable, "-m", "django_prodserver.launch.supervisor"]


@contextlib.contextmanager
def payload_fd(specs: list[Plan]) -> Iterator[tuple[dict[str, str], tuple[int]]]:
    """The environment and the descriptor that hand ``specs`` to a supervisor
    (as the command does): pass the descriptor on, at the same number."""
    fd = Payload(specs, environ=example_env()).to_descriptor()
    try:
        yield example_env(**{PAYLOAD_VARIABLE: str(fd)}), (fd,)
    finally:
        os.close(fd)


@contextlib.contextmanager
def supervising(specs: list[Plan], tmp_path: Path) -> Iterator[Launched]:
    """The supervisor of ``specs``, run directly (no Django start-up)."""
    with (
        payload_fd(specs) as (env, fds),
        launch(supervisor_argv(), tmp_path, env=env, pass_fds=fds) as supervisor,
    ):
        yield supervisor


def running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def tagged(tag: str) -> list[int]:
    """Running processes whose command line holds this test's unique tag."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if tag in (process.info["cmdline"] or []) and running(process.pid):
            found.append(process.pid)
    return found


class Terminal:
    """A process running as the foreground job of a new pseudo-terminal."""

    def __init__(self, argv: list[str]) -> None:
        env = example_env()
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: becomes the launcher
            try:
                os.chdir(EXAMPLE_DIR)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.received = bytearray()
        self.known = Known()

    def read(self, needle: str, timeout: float = 30, count: int = 1) -> str:
        """Read the terminal until ``needle`` has appeared ``count`` times;
        return all read."""
        deadline = time.monotonic() + timeout
        while (
            self.received.count(needle.encode()) < count and time.monotonic() < deadline
        ):
            self.remember_tree()
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.received.extend(os.read(self.master, 4096))
                except OSError:  # EIO: the terminal's last process has gone
                    break
        text = self.received.decode(errors="replace")
        assert needle in text, f"{needle!r} not in:\n{text}"
        return text

    def type(self, data: bytes) -> None:
        os.write(self.master, data)

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return os.waitstatus_to_exitcode(status)

    def remember_tree(self) -> None:
        if self.pid:  # not yet waited for: the PID is still the launcher's
            self.known.add_tree(self.pid)

    def close(self) -> None:
        if self.pid:  # not yet waited for: the PID is still the launcher's
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self.known.kill()
        if self.pid:
            self.wait()
        os.close(self.master)


@contextlib.contextmanager
def terminal(argv: list[str]) -> Iterator[Terminal]:
    console = Terminal(argv)
    try:
        yield console
    finally:
        console.close()


def flood_spec(name: str, *args: str, stop_timeout: float | None = None) -> Plan:
    return Plan(
        name=name,
        backend="mysite.flood",
        argv=(sys.executable, "-m", "mysite.flood", f"--name={name}", *args),
        env={"PYTHONPATH": str(EXAMPLE_DIR)},
        cwd=str(EXAMPLE_DIR),
        stop_timeout=stop_timeout,
    )


class PipeReader:
    """The reading end of the launcher's stdout, read at the test's pace."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, size: int, deadline: float) -> bytes:
        """Up to ``size`` bytes; fails once ``deadline`` has passed."""
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([self.fd], [], [], max(remaining, 0))
        assert ready, "the output stopped coming"
        return os.read(self.fd, size)

    def read_until(self, *needles: bytes, timeout: float = 30) -> bytes:
        """Read as fast as possible until every needle has come."""
        deadline = time.monotonic() + timeout
        data = bytearray()
        while not all(needle in data for needle in needles):
            chunk = self.read(1 << 20, deadline)
            assert chunk, f"the output ended before {needles}"
            data += chunk
        return bytes(data)

    def read_slowly(self, rate: int, seconds: float) -> bytes:
        """Read ``rate`` bytes a second for ``seconds``."""
        start = time.monotonic()
        data = bytearray()
        while (now := time.monotonic()) < start + seconds:
            due = int((now - start) * rate) - len(data)
            if due > 0:
                data += self.read(min(due, 1 << 16), now + 30)
            time.sleep(0.01)
        return bytes(data)

    def read_to_end(self, timeout: float = 30) -> bytes:
        deadline = time.monotonic() + timeout
        data = bytearray()
        while chunk := self.read(1 << 20, deadline):
            data += chunk
        return bytes(data)

    def waiting(self) -> int:
        """Bytes in the pipe, not read yet."""
        found = fcntl.ioctl(self.fd, termios.FIONREAD, b"\0" * 4)
        return int(struct.unpack("i", found)[0])


@contextlib.contextmanager
def supervising_to_pipe(
    specs: list[Plan], tmp_path: Path
) -> Iterator[tuple[Launched, PipeReader]]:
    """The supervisor of ``specs`` (run directly), its stdout a pipe that the
    test reads, its stderr a file (``launched.text()``)."""
    read_end, write_end = os.pipe()
    errors = tmp_path / "stderr.log"
    try:
        with payload_fd(specs) as (env, fds), errors.open("wb") as sink:
            proc = subprocess.Popen(
                supervisor_argv(),
                cwd=EXAMPLE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=write_end,
                stderr=sink,
                pass_fds=fds,
                start_new_session=True,
            )
        os.close(write_end)
        launched = Launched(proc, errors)
        try:
            yield launched, PipeReader(read_end)
        finally:
            launched.kill_all()
    finally:
        with contextlib.suppress(OSError):
            os.close(write_end)
        os.close(read_end)


def numbered_lines(output: bytes) -> dict[str, list[int]]:
    """The numbers of each flood's lines, in the order they came; fails on a
    line that is not one of a flood's."""
    numbers: dict[str, list[int]] = {}
    for line in output.splitlines():
        match = FLOOD_LINE.fullmatch(line)
        if match is None:
            assert OTHER_FLOOD_LINE.fullmatch(line), line[:200]
            continue
        prefix, name, number = match.groups()
        assert prefix == name, line[:200]
        numbers.setdefault(name.decode(), []).append(int(number))
    return numbers


def assert_every_line_once(output: bytes, counts: dict[str, int]) -> None:
    """Every numbered line of each flood came once, in order, whole."""
    numbers = numbered_lines(output)
    assert {name: len(found) for name, found in numbers.items()} == counts
    for name, count in counts.items():
        assert numbers[name] == list(range(count)), name


def long_line(output: bytes, name: str) -> list[bytes]:
    """The pieces in which the long line of flood ``name`` was printed."""
    pieces = []
    for line in output.splitlines():
        prefix, _, text = line.partition(b" | ")
        match = OTHER_FLOOD_LINE.fullmatch(line)
        ours = prefix.strip() == name.encode() and match and match.group(2) == text
        if ours and not text.endswith((b" done", b" stopping")):
            pieces.append(text)
    return pieces


def catches(pid: int, sig: signal.Signals) -> bool:
    """Whether process ``pid`` has a handler for ``sig`` (Linux)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (sig - 1)))
    return False
