"""What the supervisor decides, apart from doing it.

:class:`Policy` is told what happened (a signal arrived, a process exited, time
passed) and answers with :data:`Action` values for the supervisor to carry out:
signal a process, kill it, start it, say something. It keeps no file
descriptors and starts nothing, so its rules are tested from tables of events.

The rules, with several processes:

- SIGTERM or SIGINT stops them all: each running process gets its graceful stop
  signal once, and has its stop budget to exit before it is killed. A second
  request is acknowledged (what is still running, and that a third kills); the
  third kills what is left at once.
- Other signals go to every process that takes them.
- A process that exits on its own stops the others (fail fast), unless its
  restart policy starts it again: ``"always"``, or ``"on-failure"`` for a
  non-zero status, after a delay that doubles with each quick failure.
- The exit status is the first non-zero status among the processes (128+N for
  a death by signal N), or 0 when a requested stop ended cleanly.

With one process, every SIGTERM (and its own stop signal) is passed on as its
stop signal, other signals as they come, and its status is the launcher's.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence

from .record import Record

#: Signals that stop every process when several run.
STOP_ALL = frozenset({signal.SIGTERM, signal.SIGINT})
#: The first restart delay, in seconds; it doubles after each quick failure.
RESTART_DELAY = 1.0
#: Stop requests less than this many seconds apart are one burst (a script or
#: a platform that sends many at once): they count as the one request.
BURST = 0.25
#: The longest restart delay.
MAX_RESTART_DELAY = 30.0
#: A process that ran at least this long before it exited is restarted after
#: the first delay again.
STEADY_RUN = 30.0


class Action(Record):
    """Something for the supervisor to do."""


class Send(Action):
    """Send ``sig`` to the process's main PID."""

    __slots__ = ("name", "sig")

    def __init__(self, name: str, sig: signal.Signals) -> None:
        self.name, self.sig = name, sig


class Kill(Action):
    """SIGKILL the process and everything left in its process group."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Start(Action):
    """Start the process (again)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Say(Action):
    """Print one line of the supervisor's own."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class ChildState:
    """The policy's view of one supervised child: its rules (stop signal, stop
    budget, restart policy), and what it is doing (running, stopping, waiting
    to be restarted).

    (A plain class: ``dataclasses`` would cost the small supervisor a megabyte.)
    """

    def __init__(
        self,
        name: str,
        stop_signal: signal.Signals = signal.SIGTERM,
        accepted: frozenset[signal.Signals] = frozenset(),
        stop_timeout: float | None = None,
        restart: str = "no",
    ) -> None:
        self.name = name
        self.stop_signal = stop_signal
        self.accepted = accepted
        #: Seconds a stop may take before the process is killed (None: no limit).
        self.stop_timeout = stop_timeout
        self.restart = restart
        self.running = False
        self.stop_sent = False
        self.started_at = 0.0
        self.kill_at: float | None = None
        self.restart_at: float | None = None
        #: Restarts after a quick failure, in a row (the delay doubles with each).
        self.quick_restarts = 0
        self.status: int | None = None

    def takes(self, sig: signal.Signals) -> bool:
        return sig in self.accepted or sig == self.stop_signal


class Policy:
    """The supervisor's rules for ``processes`` (see the module's docstring)."""

    def __init__(self, processes: Sequence[ChildState]) -> None:
        self.processes = {process.name: process for process in processes}
        self.several = len(self.processes) > 1
        self.stop_requests = 0
        self.first_failure: int | None = None
        #: When the last stop request arrived.
        self.last_request_at: float | None = None

    @property
    def stopping(self) -> bool:
        return self.stop_requests > 0

    def running(self) -> list[ChildState]:
        return [p for p in self.processes.values() if p.running]

    # -- events --------------------------------------------------------------------

    def started(self, name: str, now: float) -> list[Action]:
        process = self.processes[name]
        process.running, process.stop_sent, process.status = True, False, None
        process.started_at = now
        return []

    def start_failed(self, name: str, now: float) -> list[Action]:
        """A process could not be started: like a failure, but never restarted."""
        self.record_failure(1)
        return self.request_stop(now) if not self.stopping else []

    def on_signal(self, sig: signal.Signals, now: float) -> list[Action]:
        if sig == signal.SIGCHLD:
            return []  # the supervisor reaps after every wake-up
        if self.several and sig in STOP_ALL:
            return self.request_stop(now)
        if not self.several and any(
            sig in (signal.SIGTERM, p.stop_signal) for p in self.processes.values()
        ):
            return self.request_stop(now)
        return [Send(p.name, sig) for p in self.running() if p.takes(sig)]

    def on_exit(self, name: str, status: int, now: float) -> list[Action]:
        process = self.processes[name]
        process.running, process.status, process.kill_at = False, status, None
        if not self.stopping and self.restarts(process, status):
            return self.schedule_restart(process, status, now)
        actions: list[Action] = []
        if self.several:
            how = "stopped" if process.stop_sent else "exited"
            actions.append(Say(f"{name} {how} with status {status}"))
        self.record_failure(status)
        if not self.stopping and self.running():
            actions += self.request_stop(now)  # fail fast: one gone means all go
        return actions

    def on_time(self, now: float) -> list[Action]:
        """Kill what outlived its stop budget; restart what is due."""
        actions: list[Action] = []
        for process in self.processes.values():
            if (
                process.running
                and process.kill_at is not None
                and now >= process.kill_at
            ):
                process.kill_at = None
                actions += [
                    Say(
                        f"{process.name} did not stop within "
                        f"{process.stop_timeout:g} s: killing it"
                    ),
                    Kill(process.name),
                ]
            if process.restart_at is not None and now >= process.restart_at:
                process.restart_at = None
                actions.append(Start(process.name))
        return actions

    # -- stopping ------------------------------------------------------------------

    def request_stop(self, now: float) -> list[Action]:
        """A stop request: the first stops, the second is acknowledged, the third
        kills (with several processes); one process gets each one forwarded.
        Requests in a burst, each within :data:`BURST` of the one before, are
        one request."""
        in_burst = (
            self.last_request_at is not None and now - self.last_request_at < BURST
        )
        self.last_request_at = now
        if in_burst:
            return []
        self.stop_requests += 1
        for process in self.processes.values():
            process.restart_at = None
        running = self.running()
        if not self.several:
            return [self.send_stop(p, now) for p in running]
        names = ", ".join(p.name for p in running)
        if not running:
            return []
        if self.stop_requests == 1:
            return [
                Say(f"stopping {names}"),
                *(self.send_stop(p, now) for p in running),
            ]
        if self.stop_requests == 2:
            return [Say(f"still stopping {names}; stop again to kill what is left")]
        return [Say(f"killing {names}"), *(Kill(p.name) for p in running)]

    def send_stop(self, process: ChildState, now: float) -> Send:
        if not process.stop_sent and process.stop_timeout is not None:
            process.kill_at = now + process.stop_timeout
        process.stop_sent = True
        return Send(process.name, process.stop_signal)

    # -- restarting ----------------------------------------------------------------

    @staticmethod
    def restarts(process: ChildState, status: int) -> bool:
        return process.restart == "always" or (
            process.restart == "on-failure" and status != 0
        )

    def schedule_restart(
        self, process: ChildState, status: int, now: float
    ) -> list[Action]:
        if now - process.started_at >= STEADY_RUN:
            process.quick_restarts = 0
        delay = min(MAX_RESTART_DELAY, RESTART_DELAY * 2**process.quick_restarts)
        process.quick_restarts += 1
        process.restart_at = now + delay
        return [
            Say(
                f"{process.name} exited with status {status}: restarting in {delay:g} s"
            )
        ]

    # -- the end -------------------------------------------------------------------

    def record_failure(self, status: int) -> None:
        if status and self.first_failure is None:
            self.first_failure = status

    def finished(self) -> bool:
        """Nothing runs, and nothing waits to be restarted."""
        return not any(
            p.running or p.restart_at is not None for p in self.processes.values()
        )

    def next_deadline(self) -> float | None:
        deadlines = [
            deadline
            for p in self.processes.values()
            for deadline in (p.kill_at if p.running else None, p.restart_at)
            if deadline is not None
        ]
        return min(deadlines, default=None)

    def exit_status(self) -> int:
        """The first failure that was not restarted away, else 0 (with one
        process: its own status)."""
        return self.first_failure or 0
