"""One supervised child: its exit status, its payload form, how it starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from django_prodserver.launch.child import Child, launcher_status
from django_prodserver.launch.plan import Plan
from django_prodserver.launch.wakeup import ignore_here
from django_prodserver.signals import FORWARDABLE
from tests.test_plan import plan as spec


def exited(code: int) -> int:
    """A raw wait status of a process that exited with ``code``."""
    return code << 8


def killed(sig: signal.Signals) -> int:
    return int(sig)


@pytest.mark.parametrize(
    ("wait_status", "stop_sent", "expected"),
    [
        (exited(0), None, 0),
        (exited(3), None, 3),
        (exited(255), signal.SIGTERM, 255),
        (killed(signal.SIGTERM), None, 143),  # not sent by us: a failure
        (killed(signal.SIGTERM), signal.SIGTERM, 0),  # our stop: clean (uvicorn)
        (killed(signal.SIGINT), signal.SIGINT, 0),  # waitress's stop signal
        (killed(signal.SIGKILL), signal.SIGTERM, 137),  # killed after the timeout
        (killed(signal.SIGSEGV), signal.SIGTERM, 139),
        (killed(signal.SIGINT), signal.SIGTERM, 130),
    ],
)
def test_launcher_status(
    wait_status: int, stop_sent: signal.Signals | None, expected: int
) -> None:
    assert launcher_status(wait_status, stop_sent) == expected


def test_raw_statuses_are_what_the_kernel_reports() -> None:
    """The helpers above build the statuses ``waitpid`` really returns."""
    for code, argv in [
        (exited(7), [sys.executable, "-c", "raise SystemExit(7)"]),
        (killed(signal.SIGTERM), ["sh", "-c", "kill -TERM $$"]),
    ]:
        proc = subprocess.Popen(argv)
        _, status = os.waitpid(proc.pid, 0)
        proc.returncode = 0  # reaped here
        assert status == code


def test_child_knows_its_signals() -> None:
    child = Child(spec(accepted_signals=FORWARDABLE - {"SIGUSR2"}), environ={})
    assert child.stop_signal == signal.SIGINT
    assert signal.SIGHUP in child.accepted
    assert signal.SIGUSR2 not in child.accepted
    assert child.environ == {"PYTHONPATH": "/srv/app", "EMPTY": ""}


def test_child_starts_in_its_own_session_with_clean_signals() -> None:
    """Even when the supervisor blocks its signals around the start. Its own
    session (and so process group) gives it its own autogroup CPU share.

    The supervisor's handlers are the defaults again in the program, also for a
    signal ignored when the supervisor started (SIGHUP under ``nohup``), since
    the supervisor handles it all the same."""
    handled = [signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD]
    child = Child(
        Plan("probe", "", ("cat", "/proc/self/status"), {}, os.getcwd()),
        environ=dict(os.environ),
    )
    handlers = {sig: signal.signal(sig, ignore_here) for sig in handled}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, handled)
    try:
        child.start(capture=True, handled=handled)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert child.popen is not None
    assert os.getsid(child.pid) == child.pid != os.getsid(0)  # a zombie has one too
    output, _ = child.popen.communicate(timeout=30)
    fields = dict(
        line.split(":\t", 1) for line in output.decode().splitlines() if ":\t" in line
    )
    assert int(fields["NSpgid"]) == child.pid != os.getpgid(0)
    assert int(fields["SigBlk"], 16) == 0
    for sig in (signal.SIGPIPE, signal.SIGXFSZ, *handled):
        assert not int(fields["SigIgn"], 16) & (1 << (sig - 1)), sig.name
