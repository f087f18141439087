"""One supervised child process: start it, signal it, reap it.

The child runs in its own session (and so its own process group), so that a
terminal's Ctrl-C reaches it once (through the supervisor, which forwards it)
instead of twice, and so that, with the kernel's autogroup scheduling, each
program gets its own share of the CPU: several programs starting together
under load start as fast as they would from separate shells. Its
parent-death signal is its own graceful stop signal: a supervisor killed with
SIGKILL leaves a program that stops its workers itself, finishing what is in
flight (the supervisor's :mod:`~django_prodserver.launch.watchdog` bounds that stop).
Signals go to its PID, never its group: Celery and Django-Q2 lose tasks or
deadlock when their pool processes get the main process's stop signal.

This module is imported by the supervisor, which must stay small: nothing here
imports Django or ``dataclasses``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence

from ..signals import resolve
from .plan import Plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

#: ``prctl`` options (linux/prctl.h).
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def launcher_status(wait_status: int, stop_sent: signal.Signals | None) -> int:
    """The exit status the launcher reports for a child's raw wait status.

    The child's own code, or 128+N for a death by signal N (the shell's
    convention), except that dying of the very stop signal the launcher sent
    counts as a clean stop: uvicorn, for one, re-raises SIGTERM after a clean
    shutdown.
    """
    if os.WIFSIGNALED(wait_status):
        number = os.WTERMSIG(wait_status)
        return 0 if stop_sent is not None and number == stop_sent else 128 + number
    if os.WIFEXITED(wait_status):
        return os.WEXITSTATUS(wait_status)
    return 1  # stopped/continued statuses are not asked for (no WUNTRACED)


def load_prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux, else None. Loaded before any fork."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl: Callable[..., int] = libc.prctl
    except (OSError, AttributeError):
        return None
    return prctl


PRCTL = load_prctl()


def become_subreaper() -> bool:
    """Adopt our orphaned descendants (Linux), so that we can reap and stop them."""
    return PRCTL is not None and PRCTL(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def child_setup(
    parent: int, handled: Sequence[signal.Signals], death_signal: signal.Signals
) -> Callable[[], None]:
    """What runs in the forked child just before ``exec``.

    The supervisor blocks ``handled`` around the fork, so a signal meant for it
    cannot run its handler in the child (which shares its wakeup pipe). Here the
    child leaves the supervisor's session and process group, resets those
    handlers (setting SIG_IGN first discards what arrived in between: it was
    meant for the supervisor, which forwards it), asks for ``death_signal``
    (the program's stop signal) when the supervisor dies, and unblocks
    everything: the program starts with a clean signal mask.
    """

    def setup() -> None:
        os.setsid()
        for sig in handled:
            signal.signal(sig, signal.SIG_IGN)
            signal.signal(sig, signal.SIG_DFL)
        if PRCTL is not None:
            PRCTL(PR_SET_PDEATHSIG, int(death_signal), 0, 0, 0)
            # The supervisor may have died before the line above: then nobody
            # would send the parent-death signal, so do not start at all.
            if os.getppid() != parent:
                os._exit(128 + int(death_signal))
        signal.pthread_sigmask(signal.SIG_SETMASK, [])

    return setup


class Child:
    """One program of a :class:`Plan`, started (and restarted) on request."""

    def __init__(self, plan: Plan, environ: Mapping[str, str]) -> None:
        self.plan = plan
        self.name = plan.name
        self.environ = {**environ, **plan.env}
        self.stop_signal = signal.Signals[plan.stop_signal]
        self.accepted = resolve(plan.accepted_signals)
        self.popen: subprocess.Popen[bytes] | None = None
        #: Set once the stop signal has been sent (a death by it is then clean).
        self.stop_sent: signal.Signals | None = None
        #: Set when the child has been reaped: the launcher's status for it.
        self.status: int | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid if self.popen is not None else 0

    @property
    def running(self) -> bool:
        """Started and not reaped yet (a zombie still counts: its PID is ours)."""
        return self.popen is not None and self.status is None

    def start(self, capture: bool, handled: Sequence[signal.Signals]) -> None:
        """Start the program; with ``capture``, its stdout and stderr are pipes.

        The caller blocks ``handled`` around this call (see :func:`child_setup`).
        Raises ``OSError`` when the program cannot be started.
        """
        output = subprocess.PIPE if capture else None
        self.stop_sent = self.status = None
        self.popen = subprocess.Popen(
            self.plan.argv,
            env=self.environ,
            cwd=self.plan.cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            preexec_fn=child_setup(os.getpid(), handled, self.stop_signal),
        )

    def send(self, sig: signal.Signals) -> None:
        """Signal the child's PID (not its group), unless it has been reaped.

        Until we reap it, its PID cannot be reused, so this never hits a stranger.
        """
        if not self.running:
            return
        if sig == self.stop_signal:
            self.stop_sent = sig
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)

    def kill(self) -> None:
        """SIGKILL the child and everything left in its process group."""
        if self.running:
            kill_group(self.pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def reaped(self, wait_status: int) -> None:
        assert self.popen is not None
        self.status = launcher_status(wait_status, self.stop_sent)
        # Popen must not wait for a PID we reaped (and reused PIDs are not ours).
        self.popen.returncode = os.waitstatus_to_exitcode(wait_status)


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def reap(children: Mapping[int, Child]) -> list[Child]:
    """Reap every exited child process; return those of ``children`` among them.

    Other exited processes (orphans we adopted as subreaper, or as PID 1 in a
    container) are reaped too, so that no zombie piles up.
    """
    done: list[Child] = []
    while (found := reap_one(children)) is not None:
        pid, wait_status = found
        child = children.get(pid)
        if child is not None and child.running:
            child.reaped(wait_status)
            done.append(child)
    return done


#: ``waitid`` with ``WNOWAIT`` tells which child exited without reaping it.
HAS_WAITID = hasattr(os, "waitid") and hasattr(os, "WNOWAIT")


def reap_one(children: Mapping[int, Child]) -> tuple[int, int] | None:
    """Reap one exited child process: its PID and raw wait status, or None.

    Before one of ``children`` is reaped, what is left of its process group is
    killed, so that a program that forked helpers and exited leaves no orphan.
    While the child is an unreaped zombie its PID, and so its group id, cannot
    be reused: ``waitid(WNOWAIT)`` lets us kill the group in that window.
    """
    if not HAS_WAITID:  # macOS: reap first, then kill the group
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return None
        if pid and pid in children:
            kill_group(pid)
        return (pid, wait_status) if pid else None
    try:
        info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return None
    if info is None:
        return None
    if info.si_pid in children:
        kill_group(info.si_pid)
    _, wait_status = os.waitpid(info.si_pid, 0)
    return info.si_pid, wait_status


def has_children() -> bool:
    """Whether any child process of ours still exists (running or zombie)."""
    if not HAS_WAITID:
        return True
    try:
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return False
    return True
