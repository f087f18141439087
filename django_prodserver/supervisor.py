"""Spawn mode: ``python -m django_prodserver.supervisor`` runs and watches children.

The ``prodserver`` command resolves its plans in the Django process, then execs
this module (keeping its PID, so that Docker's or systemd's signals reach it)
with the plans as JSON in :data:`PAYLOAD_VARIABLE`. The supervisor imports
neither Django nor any program it starts: it stays a small process.

One loop, one thread. Signals are turned into bytes on a wakeup pipe
(:func:`signal.set_wakeup_fd`, one byte per delivery, so none is counted twice
or dropped), which wakes the same ``select`` that reads the children's output.
After every wake-up, exited children are reaped. What to do about each event is
decided by :class:`~django_prodserver.policy.Policy`; this module carries it out.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence

from .child import Child, become_subreaper, has_children, reap
from .plan import Plan
from .policy import Action, Kill, Policy, Process, Say, Send, Start
from .printer import LineWriter, Printer, write_all
from .signals import FORWARDABLE, resolve

#: The environment variable that carries the plans from the command.
PAYLOAD_VARIABLE = "DJANGO_PRODSERVER_SUPERVISE"
#: ``--stop-timeout`` when several processes run and none was given.
DEFAULT_STOP_TIMEOUT = 10.0
#: How long output is still read after the last child exited (escaped helpers
#: may hold a pipe open).
DRAIN_TIMEOUT = 1.0
#: The longest the loop sleeps: a safety net should a wake-up byte be lost.
POLL_INTERVAL = 1.0

#: Every signal the supervisor handles: those it forwards, and SIGCHLD.
HANDLED: tuple[signal.Signals, ...] = tuple(
    sorted(resolve(FORWARDABLE) | {signal.SIGCHLD})
)
#: Signals that, sent before the children start, mean none should start.
STOP_BEFORE_START = frozenset({signal.SIGTERM, signal.SIGINT})


class Payload:
    """What the command hands the supervisor."""

    def __init__(
        self,
        plans: Sequence[Plan],
        stop_timeout: float | None = None,
        environ_changes: Mapping[str, str | None] | None = None,
        colour: bool | None = None,
    ) -> None:
        self.plans = list(plans)
        self.stop_timeout = stop_timeout
        #: ``--force-color`` (True), ``--no-color`` (False), or neither (None).
        self.colour = colour
        #: Variables the command changed for the supervisor itself (None: unset),
        #: put back for the children.
        self.environ_changes = dict(environ_changes or {})

    def encode(self) -> str:
        return json.dumps(
            {
                "processes": [plan.to_payload() for plan in self.plans],
                "stop_timeout": self.stop_timeout,
                "environ_changes": self.environ_changes,
                "colour": self.colour,
            }
        )

    @classmethod
    def decode(cls, text: str) -> Payload:
        try:
            data = json.loads(text)
            plans = [Plan.from_payload(item) for item in data["processes"]]
            timeout = data["stop_timeout"]
            changes = data["environ_changes"]
            colour = data.get("colour")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed {PAYLOAD_VARIABLE}: {exc}") from exc
        if not plans:
            raise ValueError(f"{PAYLOAD_VARIABLE} names no process")
        timeout = None if timeout is None else float(timeout)
        return cls(plans, timeout, changes, None if colour is None else bool(colour))

    def launcher_environ(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The launcher's environment (which the children get), from the
        supervisor's."""
        base = {k: v for k, v in environ.items() if k != PAYLOAD_VARIABLE}
        for key, value in self.environ_changes.items():
            if value is None:
                base.pop(key, None)
            else:
                base[key] = value
        return base


def policy_process(child: Child, stop_timeout: float | None) -> Process:
    return Process(
        child.name,
        child.stop_signal,
        child.accepted,
        stop_timeout,
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
    ) -> None:
        self.children = {plan.name: Child(plan, environ) for plan in plans}
        self.several = len(self.children) > 1
        if stop_timeout is None and self.several:
            stop_timeout = DEFAULT_STOP_TIMEOUT
        self.policy = Policy(
            [policy_process(child, stop_timeout) for child in self.children.values()]
        )
        names = list(self.children)
        self.printer = Printer(names, colour=colour) if self.several else None
        self.selector = selectors.DefaultSelector()
        self.drain_until: float | None = None
        self.wakeup = os.pipe()

    # -- the whole run -----------------------------------------------------------

    def run(self) -> int:
        """Start the children, supervise them; return the launcher's exit status."""
        self.install_signal_handlers()
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
        return self.policy.exit_status()

    def install_signal_handlers(self) -> None:
        """Route every handled signal to the wakeup pipe.

        The command execs us with these signals blocked, so that one sent while
        Python starts waits here instead of killing us: they are delivered when
        :meth:`run` unblocks them, after the children have started.
        """
        read_end, write_end = self.wakeup
        for fd in self.wakeup:
            os.set_blocking(fd, False)
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        for sig in HANDLED:
            signal.signal(sig, ignore_here)
        self.selector.register(read_end, selectors.EVENT_READ, None)

    def loop(self) -> None:
        while True:
            running = {c.pid: c for c in self.children.values() if c.running}
            for child in reap(running):
                self.exited(child)
            if self.finished():
                return
            for key, _ in self.selector.select(self.next_timeout()):
                if key.data is None:
                    for sig in read_signals(key.fd):
                        self.carry_out(self.policy.on_signal(sig, now()))
                else:
                    self.read_output(key)
            self.carry_out(self.policy.on_time(now()))

    def finished(self) -> bool:
        if not self.policy.finished():
            return False
        drained = len(self.selector.get_map()) <= 1  # only the wakeup pipe is left
        return drained or self.drain_until is None or now() >= self.drain_until

    def next_timeout(self) -> float:
        deadlines = [self.policy.next_deadline(), self.drain_until]
        waits = [d - now() for d in deadlines if d is not None]
        return max(0.0, min([POLL_INTERVAL, *waits]))

    # -- carrying out the policy's decisions ---------------------------------------

    def carry_out(self, actions: Iterable[Action]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self.children[action.name].send(action.sig)
            elif isinstance(action, Kill):
                self.children[action.name].kill()
            elif isinstance(action, Start):
                self.start(self.children[action.name])
            elif isinstance(action, Say):
                self.say(action.text)

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
        self.drain_until = None
        if self.several:
            self.say(f"{child.name} started (pid {child.pid})")
            self.watch_output(child)
        self.carry_out(self.policy.started(child.name, now()))

    def exited(self, child: Child) -> None:
        assert child.status is not None
        self.drain_output(child)
        self.carry_out(self.policy.on_exit(child.name, child.status, now()))
        if self.policy.finished():
            kill_adopted()
            self.drain_until = now() + DRAIN_TIMEOUT

    def kill_all(self) -> None:
        """SIGKILL whatever is still running (after an error in the loop) and
        whatever we adopted, then reap it all."""
        for child in self.children.values():
            child.kill()
        deadline = now() + 10
        while any(c.running for c in self.children.values()) and now() < deadline:
            reap({c.pid: c for c in self.children.values() if c.running})
            time.sleep(0.01)
        kill_adopted()

    # -- output --------------------------------------------------------------------

    def watch_output(self, child: Child) -> None:
        assert child.popen is not None
        assert self.printer is not None
        for stream in ("stdout", "stderr"):
            pipe = getattr(child.popen, stream)
            os.set_blocking(pipe.fileno(), False)
            writer = self.printer.writer(child.name, stream)
            self.selector.register(pipe, selectors.EVENT_READ, writer)

    def read_output(self, key: selectors.SelectorKey, drain: bool = False) -> None:
        """Print what a pipe holds; with ``drain``, everything until it is empty."""
        writer: LineWriter = key.data
        while True:
            try:
                data = os.read(key.fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                break
            writer.feed(data)
            if not drain:
                return
        writer.close()
        self.selector.unregister(key.fileobj)
        with contextlib.suppress(OSError):
            key.fileobj.close()  # type: ignore[union-attr]

    def drain_output(self, child: Child) -> None:
        """Print what an exited child left in its pipes, before we speak of it."""
        if child.popen is None:
            return
        for pipe in (child.popen.stdout, child.popen.stderr):
            if pipe is not None and not pipe.closed:
                self.read_output(self.selector.get_key(pipe), drain=True)

    def say(self, text: str) -> None:
        if self.printer is not None:
            self.printer.message(text)
        else:
            write_all(2, f"prodserver: {text}\n".encode(errors="replace"))


def ignore_here(signum: int, frame: object) -> None:
    """The Python-level handler: the work is done from the wakeup pipe."""


def read_signals(fd: int) -> list[signal.Signals]:
    """The signals written to the wakeup pipe so far, in order."""
    data = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    found = []
    for number in data:
        with contextlib.suppress(ValueError):
            found.append(signal.Signals(number))
    return found


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


def main() -> int:
    text = os.environ.pop(PAYLOAD_VARIABLE, None)
    if text is None:
        write_all(2, b"prodserver: run by `manage.py prodserver`, not directly\n")
        return 2
    try:
        payload = Payload.decode(text)
    except ValueError as exc:
        write_all(2, f"prodserver: {exc}\n".encode())
        return 2
    become_subreaper()
    environ = payload.launcher_environ(os.environ)
    supervisor = Supervisor(
        payload.plans, environ, payload.stop_timeout, payload.colour
    )
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
