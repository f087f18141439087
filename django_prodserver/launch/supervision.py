"""The supervisor proper: it starts the children and runs them until they end.

:mod:`~django_prodserver.launch.supervisor`, the entry point, loads this module
once it has forked the watchdog. It imports neither Django nor any program it
starts: the supervisor stays a small process.

One loop, one thread. Signals are turned into bytes on a wakeup pipe (see
:mod:`~django_prodserver.launch.wakeup`), which wakes the same ``select`` that
reads the children's output (see :mod:`~django_prodserver.launch.relay`). After
every wake-up, exited children are reaped. What to do about each event is
decided by :class:`~django_prodserver.launch.policy.Policy`; this module
carries it out.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence

from .banner import banner_text
from .child import PRCTL, Child, become_subreaper, has_children, reap
from .output import Output, write_notices
from .payload import read_payload
from .plan import Plan
from .policy import Action, ChildState, Kill, Policy, Say, Send, Start
from .printer import LineFormat
from .relay import Relay
from .wakeup import HANDLED, STOP_BEFORE_START, read_signals, route_signals
from .watchdog import Watchdog
from .writing import write_all

#: The longest the loop sleeps: a safety net should a wake-up byte be lost.
POLL_INTERVAL = 1.0


def child_state(child: Child, stop_timeout: float | None) -> ChildState:
    """The policy's view of a child: its own stop budget, unless ``stop_timeout``
    (``--stop-timeout``) overrides it."""
    return ChildState(
        child.name,
        child.stop_signal,
        child.accepted,
        child.plan.stop_timeout if stop_timeout is None else stop_timeout,
        child.plan.restart,
    )


class Supervisor:
    """Runs the children of a payload until they have all exited."""

    def __init__(
        self,
        plans: Sequence[Plan],
        environ: Mapping[str, str],
        stop_timeout: float | None = None,
        colour: bool | None = None,
        line_format: LineFormat | None = None,
        quiet: bool = False,
        watchdog: Watchdog | None = None,
    ) -> None:
        self.quiet = quiet
        self.children = {plan.name: Child(plan, environ) for plan in plans}
        self.several = len(self.children) > 1
        self.policy = Policy(
            [child_state(child, stop_timeout) for child in self.children.values()]
        )
        self.selector = selectors.DefaultSelector()
        self.relay = Relay(list(self.children), self.selector, colour, line_format)
        #: None as PID 1: nobody can SIGKILL the supervisor and leave its children.
        self.watchdog = watchdog

    # -- the whole run -----------------------------------------------------------

    def run(self) -> int:
        """Start the children, supervise them; return the launcher's exit status."""
        route_signals(self.selector)
        try:
            if signal.sigpending() & STOP_BEFORE_START:
                return 0  # stopped before anything started: nothing to do
            signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
            for child in self.children.values():
                if not self.policy.stopping:  # a start failed: start no more
                    self.start(child)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED)
            self.loop()
        finally:
            self.kill_all()
            # Python puts the default handlers back as it exits: a stop request
            # still on its way (a burst) would kill us instead of our status.
            signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
            outputs = self.relay.outputs
            write_notices(outputs, outputs[-1], self.relay.render)
        return self.policy.exit_status()

    def close_watchdog(self) -> None:
        if self.watchdog is not None:
            self.watchdog.close()

    def loop(self) -> None:
        while True:
            running = {c.pid: c for c in self.children.values() if c.running}
            for child in reap(running):
                self.exited(child)
            if self.finished():
                return
            self.relay.watch_room()
            self.relay.pace_reading()
            for key, _ in self.selector.select(self.next_timeout()):
                if key.data is None:
                    for sig in read_signals(key.fd):
                        self.carry_out(self.policy.on_signal(sig, now()))
                elif isinstance(key.data, Output):
                    key.data.flush()
                else:
                    self.relay.read_output(key.data)
            self.carry_out(self.policy.on_time(now()))
            if self.ending():
                self.relay.give_up_on_stalled_readers(now())

    def finished(self) -> bool:
        """Nothing runs or waits to be restarted, and the output is through."""
        return self.policy.finished() and self.relay.through(now())

    def ending(self) -> bool:
        return self.policy.stopping or self.policy.finished()

    def next_timeout(self) -> float:
        deadlines = [self.policy.next_deadline()]
        deadlines += self.relay.deadlines(self.policy.finished(), self.ending())
        waits = [d - now() for d in deadlines if d is not None]
        return max(0.0, min([POLL_INTERVAL, *waits]))

    # -- carrying out the policy's decisions ---------------------------------------

    def carry_out(self, actions: Iterable[Action]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self.send(self.children[action.name], action.sig)
            elif isinstance(action, Kill):
                self.children[action.name].kill()
            elif isinstance(action, Start):
                self.start(self.children[action.name])
            elif isinstance(action, Say):
                self.say(action.text)

    def send(self, child: Child, sig: signal.Signals) -> None:
        child.send(sig)
        if sig == child.stop_signal and self.watchdog is not None:
            deadline = self.policy.processes[child.name].kill_at
            self.watchdog.stopping(child.pid, deadline)

    def start(self, child: Child) -> None:
        """Start a child with the handled signals blocked (see ``child_setup``)."""
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
        try:
            child.start(capture=self.several, handled=HANDLED)
        except (OSError, subprocess.SubprocessError) as exc:
            self.say(f"{child.name}: cannot start {child.plan.argv[0]}: {exc}")
            self.carry_out(self.policy.start_failed(child.name, now()))
            return
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if self.watchdog is not None:
            budget = self.policy.processes[child.name].stop_timeout
            # Without a parent-death signal, the watchdog sends the stop itself.
            sends_stop = PRCTL is None
            self.watchdog.started(child.pid, child.stop_signal, budget, sends_stop)
        if not self.quiet:  # on standard error, in the format of the output
            write_all(2, self.relay.render(banner_text(child.plan, child.pid)))
        if self.several:
            self.say(f"{child.name} started (pid {child.pid})")
            self.relay.watch_output(child)
        self.carry_out(self.policy.started(child.name, now()))

    def exited(self, child: Child) -> None:
        assert child.status is not None
        if self.watchdog is not None:
            self.watchdog.gone(child.pid)
        self.relay.drain_output(child)
        self.carry_out(self.policy.on_exit(child.name, child.status, now()))
        if self.policy.finished():
            self.close_watchdog()
            kill_adopted()
            self.relay.last_read = now()

    def kill_all(self) -> None:
        """SIGKILL whatever is still running (after an error in the loop) and
        whatever we adopted, then reap it all."""
        for child in self.children.values():
            child.kill()
        deadline = now() + 10
        while any(c.running for c in self.children.values()) and now() < deadline:
            reap({c.pid: c for c in self.children.values() if c.running})
            time.sleep(0.01)
        self.close_watchdog()
        kill_adopted()

    def say(self, text: str) -> None:
        self.relay.say(text)


def kill_adopted() -> None:
    """SIGKILL and reap the descendants we adopted as subreaper.

    They are helpers that left their program's process group and outlived it;
    when the launcher exits they would be orphans. psutil finds them (loaded
    only then: the supervisor otherwise stays small).
    """
    if not has_children():
        return
    import psutil

    with contextlib.suppress(psutil.Error):
        for process in psutil.Process().children():
            with contextlib.suppress(psutil.Error):
                process.kill()
    deadline = now() + 5
    while has_children() and now() < deadline:
        reap({})
        time.sleep(0.01)


def now() -> float:
    return time.monotonic()


def supervise(watchdog: Watchdog | None) -> int:
    """Run the plans of the payload under ``watchdog``; return the exit status."""
    try:
        payload = read_payload(os.environ)
    except LookupError:
        write_all(2, b"prodserver: run by `manage.py prodserver`, not directly\n")
        return 2
    except ValueError as exc:
        write_all(2, f"prodserver: {exc}\n".encode())
        return 2
    become_subreaper()
    supervisor = Supervisor(
        payload.plans,
        payload.environ,
        payload.stop_timeout,
        payload.colour,
        payload.line_format,
        payload.quiet,
        watchdog,
    )
    return supervisor.run()
