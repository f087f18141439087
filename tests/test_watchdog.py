"""A launcher killed with SIGKILL: its programs stop as they would on a stop.

Each program gets its own graceful stop signal when the supervisor dies, and
the supervisor's watchdog bounds that stop by the program's budget and kills
what is left of its process group.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from django_prodserver.launch.watchdog import NAME, NONE, Program, finish, take
from tests.processes import (
    HOST,
    InFlight,
    Launched,
    WebServer,
    launch,
    prodserver,
    wait_for_http,
    wait_until,
)

SIGNALS = "--settings=mysite.settings_signals"


def kill_launcher(launcher: Launched) -> None:
    """SIGKILL the launcher (the supervisor) alone, as the OOM killer would."""
    launcher.remember_tree()
    launcher.proc.kill()
    launcher.wait()


def gone(launcher: Launched) -> bool:
    return not launcher.alive()


@pytest.mark.integration
def test_the_watchdog_is_a_child_of_the_supervisor(tmp_path: Path) -> None:
    with launch(prodserver("echo", SIGNALS, "--spawn"), tmp_path) as launcher:
        launcher.wait_for_text("ready")
        children = psutil.Process(launcher.pid).children()
        (program,) = launcher.children()
        assert [child.name() for child in children if child != program] == [NAME]
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
        # It leaves with the supervisor.
        assert wait_until(lambda: gone(launcher), timeout=10), launcher.alive()


@pytest.mark.integration
def test_a_program_gets_its_stop_signal(tmp_path: Path) -> None:
    """by_int stops on SIGINT, as waitress does."""
    with launch(prodserver("by_int", SIGNALS, "--spawn"), tmp_path) as launcher:
        launcher.wait_for_text("ready")
        kill_launcher(launcher)
        assert wait_until(lambda: "stopped" in launcher.text()), launcher.text()
        assert wait_until(lambda: gone(launcher), timeout=10), launcher.alive()
        text = launcher.text()
    assert "got SIGINT" in text
    assert "got SIGTERM" not in text


@pytest.mark.integration
def test_a_program_that_does_not_stop_is_killed_after_its_budget(
    tmp_path: Path,
) -> None:
    """stubborn_quick ignores SIGTERM; its STOP_TIMEOUT is 1 s."""
    argv = prodserver("stubborn_quick", "--spawn", SIGNALS)
    with launch(argv, tmp_path) as launcher:
        launcher.wait_for_text("ready")
        (program,) = launcher.children()
        kill_launcher(launcher)
        assert program.is_running()  # it ignores its stop signal...
        assert wait_until(lambda: gone(launcher), timeout=10), launcher.alive()


@pytest.mark.integration
def test_several_programs_stop_with_the_launcher(tmp_path: Path) -> None:
    """Their output went through the supervisor: they stop without it."""
    argv = prodserver("stubborn_quick", "slow_stop", "echo", SIGNALS)
    with launch(argv, tmp_path) as launcher:
        launcher.wait_for_text("ready", count=3)
        assert len(launcher.children()) == 3
        kill_launcher(launcher)
        assert wait_until(lambda: gone(launcher), timeout=10), launcher.alive()


@pytest.mark.integration
def test_what_a_program_leaves_in_its_group_is_killed(tmp_path: Path) -> None:
    """The twin shares the program's group and gets no signal of its own."""
    with launch(prodserver("twins", SIGNALS, "--spawn"), tmp_path) as launcher:
        launcher.wait_for_text("ready", count=2)
        kill_launcher(launcher)
        assert wait_until(lambda: "stopped" in launcher.text()), launcher.text()
        assert wait_until(lambda: gone(launcher), timeout=10), launcher.alive()
        assert "twin got" not in launcher.text()


SERVERS = [
    WebServer("gunicorn", address=("--bind=127.0.0.1:{port}",), single_process=False),
    WebServer("uvicorn", single_process=False),
]


@pytest.mark.integration
@pytest.mark.parametrize("server", SERVERS, ids=lambda server: server.name)
def test_a_killed_launcher_lets_the_request_in_flight_finish(
    server: WebServer, tmp_path: Path, port: int
) -> None:
    """In spawn mode, uvicorn with 2 workers: a 2 s request in flight gets its
    answer, then nothing of the tree is left and the port can be bound again."""
    argv = server.argv(port, "--workers=2", spawn=True)
    with launch(argv, tmp_path) as launcher:
        wait_for_http(server.url(port), launcher.proc)
        with InFlight(server.url(port, slow=True)) as request:
            launcher.remember_tree()
            assert len(launcher.seen) >= 4  # supervisor, watchdog, master, workers
            kill_launcher(launcher)
        assert request.status == 200, (request.error, launcher.text())
        assert wait_until(lambda: gone(launcher), timeout=5), launcher.alive()
    assert port_is_free(port)


def port_is_free(port: int) -> bool:
    """Whether a server could listen on the port (as servers do, with
    SO_REUSEADDR: connections in TIME_WAIT do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
            sock.listen()
        except OSError:
            return False
    return True


# -- the watchdog's own bookkeeping, without a supervisor --------------------------


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["run"],
        ["run", "x", "15", "10"],
        ["run", "7", "TERM", "10"],
        ["run", "7", "15"],
        ["run", "7", "15", "ten"],
        ["stop", "8", "1.0"],  # a program it was never told of
        ["stop"],
        ["gone", "nine"],
        ["hello", "7"],
        ["\x00", "\n"],
    ],
)
def test_a_malformed_message_changes_nothing(words: list[str]) -> None:
    programs = {7: Program(signal.SIGTERM, 10.0)}
    take(programs, words)
    assert list(programs) == [7]
    assert (programs[7].stopping, programs[7].deadline) == (False, None)


def test_messages_follow_a_program_from_start_to_gone() -> None:
    programs: dict[int, Program] = {}
    take(programs, ["run", "7", str(int(signal.SIGINT)), NONE])
    assert (programs[7].stop_signal, programs[7].budget) == (signal.SIGINT, None)
    take(programs, ["stop", "7", "12.5"])
    assert (programs[7].stopping, programs[7].deadline) == (True, 12.5)
    take(programs, ["gone", "7"])
    take(programs, ["gone", "7"])  # twice: nothing left to forget
    assert programs == {}


@pytest.mark.parametrize(("extra", "sends_stop"), [([], False), (["send"], True)])
def test_the_watchdog_sends_the_stop_where_the_kernel_does_not(
    extra: list[str], sends_stop: bool
) -> None:
    programs: dict[int, Program] = {}
    take(programs, ["run", "7", str(int(signal.SIGTERM)), "30", *extra])
    assert programs[7].sends_stop is sends_stop


def sleeper() -> subprocess.Popen[bytes]:
    """A process in a group of its own that ignores nothing and stops on TERM."""
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        start_new_session=True,
    )


def test_finish_forgets_a_program_that_is_already_gone() -> None:
    proc = sleeper()
    proc.kill()
    proc.wait(timeout=10)
    programs = {proc.pid: Program(signal.SIGTERM, None, sends_stop=True)}
    finish(programs)  # no budget, but nothing to wait for
    assert programs == {}


def test_finish_sends_the_stop_signal_and_waits_for_the_program() -> None:
    proc = sleeper()
    try:
        programs = {proc.pid: Program(signal.SIGTERM, None, sends_stop=True)}
        reaper = threading.Thread(target=proc.wait, kwargs={"timeout": 30})
        reaper.start()
        finish(programs)
        reaper.join(30)
        assert proc.returncode == -signal.SIGTERM
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_finish_kills_a_program_whose_deadline_has_passed() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import signal, time; "
         "signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); "
         "time.sleep(60)"],
        start_new_session=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # the program ignores SIGTERM from here on
        program = Program(signal.SIGTERM, None, sends_stop=True)
        program.stopping, program.deadline = True, time.monotonic()
        reaper = threading.Thread(target=proc.wait, kwargs={"timeout": 30})
        reaper.start()
        finish({proc.pid: program})
        reaper.join(30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        proc.kill()
        proc.wait(timeout=10)
