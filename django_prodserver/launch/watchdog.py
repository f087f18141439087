"""The supervisor's watchdog: it finishes a stop when the supervisor is killed.

When the supervisor dies at once (SIGKILL, the OOM killer), each program gets
its graceful stop signal from the kernel (its parent-death signal, see
:mod:`~django_prodserver.launch.child`) and stops its own workers, finishing the
requests and tasks in flight. What no program does is bound its own stop, or
kill the helpers it leaves behind: the watchdog does.

It is a small process forked from the supervisor first of all, before the
supervisor loads its own code, so that it holds little more than the
interpreter. The supervisor tells it on a pipe what runs: each program's PID
(which is also its process group's id), its stop signal and its stop budget,
whether it has a parent-death signal, when a stop was sent and until when it may
take, and when a program has gone. When the pipe ends without a goodbye, the
supervisor has died: each program still running keeps the deadline of a stop
already under way or gets its budget from then on, and once its main process has
exited or its time is up, whatever is left of its process group is killed. Then
the watchdog exits.

It imports nothing but ``os`` and ``time``: what it imports, it holds.
"""

from __future__ import annotations

import os
import time

#: How often the watchdog looks at the programs once the supervisor has died.
POLL_INTERVAL = 0.05
#: Written for "no budget" and "no deadline".
NONE = "-"
#: The watchdog's process name (``ps -o comm``), to tell it from a program.
NAME = "prodserver-wd"
#: Where Linux keeps a process's name.
COMM = "/proc/self/comm"
#: The number of SIGKILL on every POSIX system (``signal`` is not imported).
SIGKILL = 9
#: Written for "the watchdog sends the stop signal" (no parent-death signal).
SENDS_STOP = "send"


class Watchdog:
    """The supervisor's end of the watchdog: it tells the watchdog what runs."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd

    @classmethod
    def fork(cls) -> Watchdog:
        """Fork the watchdog. The signals the supervisor handles were blocked
        by the command before it exec'd the supervisor; they stay blocked in
        the watchdog, which must not act on them."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the watchdog
            try:
                become_watchdog(read_end)
                watch(read_end)
            finally:
                os._exit(0)
        os.close(read_end)
        os.set_blocking(write_end, False)
        return cls(pid, write_end)

    def started(
        self, pid: int, stop_signal: int, budget: float | None, sends_stop: bool
    ) -> None:
        """``pid`` runs; ``sends_stop``: it has no parent-death signal, so the
        watchdog sends it ``stop_signal`` when the supervisor dies."""
        words: list[object] = ["run", pid, int(stop_signal)]
        words += [NONE if budget is None else budget] + [SENDS_STOP] * sends_stop
        self.tell(*words)

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
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def tell(self, *words: object) -> None:
        if self.fd < 0:
            return
        line = " ".join(map(str, words)).encode() + b"\n"
        # A line the pipe cannot take now is lost rather than waited for: the
        # supervisor never blocks on its watchdog.
        try:
            os.write(self.fd, line)
        except OSError:
            pass


def become_watchdog(read_end: int) -> None:
    """In the forked watchdog: leave the supervisor's session and its files."""
    try:
        with open(COMM, "w") as comm:
            comm.write(NAME)
    except OSError:  # not Linux: the name is only for `ps`
        pass
    os.setsid()  # so that a signal to the supervisor's group does not end it
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    # Nothing of the supervisor's (the plans, the terminal) stays open here.
    os.closerange(3, read_end)
    os.closerange(read_end + 1, max(read_end + 1, os.sysconf("SC_OPEN_MAX")))


class Program:
    """What the watchdog knows of one running program."""

    def __init__(
        self, stop_signal: int, budget: float | None, sends_stop: bool = False
    ) -> None:
        self.stop_signal = stop_signal
        self.budget = budget
        #: Whether the watchdog sends the stop signal (no parent-death signal).
        self.sends_stop = sends_stop
        self.stopping = False
        self.deadline: float | None = None


def watch(fd: int) -> None:
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
            take(programs, line.decode(errors="replace").split())
    finish(programs)


def take(programs: dict[int, Program], words: list[str]) -> None:
    """Apply one message of the supervisor's (a malformed one changes nothing)."""
    try:
        kind, pid = words[0], int(words[1])
        if kind == "run":
            sends_stop = words[4:] == [SENDS_STOP]
            programs[pid] = Program(int(words[2]), number(words[3]), sends_stop)
        elif kind == "stop":
            programs[pid].stopping = True
            programs[pid].deadline = number(words[2])
        elif kind == "gone":
            programs.pop(pid, None)
    except (ValueError, IndexError, KeyError):
        pass


def number(word: str) -> float | None:
    return None if word == NONE else float(word)


def finish(programs: dict[int, Program]) -> None:
    """The supervisor has died: let each program stop within its budget, then
    kill what is left of its process group."""
    now = time.monotonic()
    for pid, program in programs.items():
        if not program.stopping:
            if program.sends_stop:
                send(pid, program.stop_signal)
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


def send(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill_group(pgid: int) -> None:
    """SIGKILL what is left of a program: its process group, its main process."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pgid, SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
