"""The supervisor's watchdog: it finishes a stop when the supervisor is killed.

When the supervisor dies at once (SIGKILL, the OOM killer), each program gets
its graceful stop signal from the kernel (its parent-death signal, see
:mod:`~django_prodserver.launch.child`) and stops its own workers, finishing the
requests and tasks in flight. What no program does is bound its own stop, or
kill the helpers it leaves behind: the watchdog does.

It is a small process forked from the supervisor before any program starts,
which the supervisor tells on a pipe what runs: each program's PID (which is
also its process group's id), its stop signal and its stop budget, when a stop
was sent and until when it may take, and when a program has gone. When the pipe
ends without a goodbye, the supervisor has died: each program still running
keeps the deadline of a stop already under way or gets its budget from then on,
and once its main process has exited or its time is up, whatever is left of its
process group is killed. Then the watchdog exits.

Like the supervisor, it imports nothing of Django.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable

from .child import PRCTL

#: How often the watchdog looks at the programs once the supervisor has died.
POLL_INTERVAL = 0.05
#: Written for "no budget" and "no deadline".
NONE = "-"
#: The watchdog's process name (``ps -o comm``), to tell it from a program.
NAME = "prodserver-wd"
#: ``prctl`` option that names the calling thread (linux/prctl.h).
PR_SET_NAME = 15


class Watchdog:
    """The supervisor's end of the watchdog: starts it, and tells it what runs.

    ``sends_stop``: the watchdog sends the programs their stop signal itself
    when the supervisor dies (where the kernel has no parent-death signal).
    """

    def __init__(self, sends_stop: bool = False) -> None:
        self.sends_stop = sends_stop
        self.pid = 0
        self.fd = -1

    def start(self, ignored: Iterable[signal.Signals]) -> None:
        """Fork the watchdog. It ignores the ``ignored`` signals (those the
        supervisor handles: a terminal's Ctrl-C, or a stop sent to the
        supervisor's process group, are the supervisor's to act on)."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the watchdog
            try:
                become_watchdog(read_end, ignored)
                watch(read_end, self.sends_stop)
            finally:
                os._exit(0)
        os.close(read_end)
        os.set_blocking(write_end, False)
        self.pid, self.fd = pid, write_end

    def started(
        self, pid: int, stop_signal: signal.Signals, budget: float | None
    ) -> None:
        self.tell("run", pid, int(stop_signal), NONE if budget is None else budget)

    def stopping(self, pid: int, deadline: float | None) -> None:
        """A stop was sent to ``pid``; what is left of it dies at ``deadline``
        (``time.monotonic()``; None: no deadline)."""
        self.tell("stop", pid, NONE if deadline is None else deadline)

    def gone(self, pid: int) -> None:
        self.tell("gone", pid)

    def close(self) -> None:
        """Say goodbye (the watchdog exits) and reap it."""
        if self.fd < 0:
            return
        self.tell("bye")
        os.close(self.fd)
        self.fd = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def tell(self, *words: object) -> None:
        if self.fd < 0:
            return
        line = " ".join(map(str, words)).encode() + b"\n"
        # A line the pipe cannot take now is lost rather than waited for: the
        # supervisor never blocks on its watchdog.
        with contextlib.suppress(OSError):
            os.write(self.fd, line)


def become_watchdog(read_end: int, ignored: Iterable[signal.Signals]) -> None:
    """In the forked watchdog: leave the supervisor's session and its signals.

    The supervisor forks with its handled signals blocked; they are ignored here
    (which discards what arrived meanwhile) before anything is unblocked.
    """
    for sig in ignored:
        signal.signal(sig, signal.SIG_IGN)
    signal.set_wakeup_fd(-1)
    if PRCTL is not None:
        PRCTL(PR_SET_NAME, NAME.encode(), 0, 0, 0)
    os.setsid()  # so that a signal to the supervisor's group does not end it
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    # Nothing of the supervisor's (its wakeup pipe, the plans) stays open here.
    os.closerange(3, read_end)
    os.closerange(read_end + 1, max(read_end + 1, os.sysconf("SC_OPEN_MAX")))
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


class Program:
    """What the watchdog knows of one running program."""

    def __init__(self, stop_signal: int, budget: float | None) -> None:
        self.stop_signal = stop_signal
        self.budget = budget
        self.stopping = False
        self.deadline: float | None = None


def watch(fd: int, sends_stop: bool) -> None:
    """Follow the supervisor's messages; once it has died, finish the stop."""
    programs: dict[int, Program] = {}
    buffer = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except InterruptedError:  # pragma: no cover (PEP 475 retries)
            continue
        if not data:
            break
        *lines, buffer = (buffer + data).split(b"\n")
        for line in lines:
            if line == b"bye":
                return
            take(programs, line.decode().split())
    finish(programs, sends_stop)


def take(programs: dict[int, Program], words: list[str]) -> None:
    """Apply one message of the supervisor's."""
    with contextlib.suppress(ValueError, IndexError, KeyError):
        kind, pid = words[0], int(words[1])
        if kind == "run":
            programs[pid] = Program(int(words[2]), number(words[3]))
        elif kind == "stop":
            programs[pid].stopping = True
            programs[pid].deadline = number(words[2])
        elif kind == "gone":
            programs.pop(pid, None)


def number(word: str) -> float | None:
    return None if word == NONE else float(word)


def finish(programs: dict[int, Program], sends_stop: bool) -> None:
    """The supervisor has died: let each program stop within its budget, then
    kill what is left of its process group."""
    now = time.monotonic()
    for pid, program in programs.items():
        if not program.stopping:
            if sends_stop:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, program.stop_signal)
            if program.budget is not None:
                program.deadline = now + program.budget
    while programs:
        for pid, program in list(programs.items()):
            late = program.deadline is not None and time.monotonic() >= program.deadline
            if late or not running(pid):
                kill_group(pid)
                del programs[pid]
        time.sleep(POLL_INTERVAL)


#: Whether /proc shows a process's state (Linux).
HAS_PROC = os.path.isdir("/proc/self")


def running(pid: int) -> bool:
    """Whether ``pid`` runs (on Linux, an exited process not reaped yet does
    not; elsewhere it does until it is reaped)."""
    if not HAS_PROC:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read()
    except OSError:
        return False
    end = stat.rfind(b")")  # the state follows the command name in brackets
    return stat[end + 2 : end + 3] not in (b"Z", b"X")


def kill_group(pgid: int) -> None:
    """SIGKILL what is left of a program: its process group, its main process."""
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pgid, signal.SIGKILL)
