"""Spawn mode: ``python -m django_prodserver.supervisor`` runs and watches children.

The ``prodserver`` command resolves its plans in the Django process, then execs
this module (keeping its PID, so that Docker's or systemd's signals reach it)
with the plans as JSON in :data:`PAYLOAD_VARIABLE`. The supervisor imports
neither Django nor any program it starts: it stays a small process.

One loop, one thread. Signals are turned into bytes on a wakeup pipe
(:func:`signal.set_wakeup_fd`, one byte per delivery, so none is counted twice
or dropped), which wakes the same ``select`` that reads the children's output.
After every wake-up, exited children are reaped.

- One process: its output is its own (inherited), TERM becomes its stop signal,
  other signals it takes are forwarded as they come, and its status is ours.
- Several processes: each output line is prefixed with the process's name; TERM
  or INT stops all (each gets its stop signal once); when one exits on its own,
  the others are stopped; after the stop timeout, what is left is killed.
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

from .child import Child, ProcessSpec, become_subreaper, has_children, reap
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
#: Signals that stop every process when several run.
STOP_ALL = frozenset({signal.SIGTERM, signal.SIGINT})


class Payload:
    """What the command hands the supervisor."""

    def __init__(
        self,
        specs: Sequence[ProcessSpec],
        stop_timeout: float | None = None,
        environ_changes: Mapping[str, str | None] | None = None,
    ) -> None:
        self.specs = list(specs)
        self.stop_timeout = stop_timeout
        #: Variables the command changed for the supervisor itself (None: unset),
        #: put back for the children.
        self.environ_changes = dict(environ_changes or {})

    def encode(self) -> str:
        return json.dumps(
            {
                "processes": [spec.as_dict() for spec in self.specs],
                "stop_timeout": self.stop_timeout,
                "environ_changes": self.environ_changes,
            }
        )

    @classmethod
    def decode(cls, text: str) -> Payload:
        try:
            data = json.loads(text)
            specs = [ProcessSpec.from_dict(item) for item in data["processes"]]
            timeout = data["stop_timeout"]
            changes = data["environ_changes"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"malformed {PAYLOAD_VARIABLE}: {exc}") from exc
        if not specs:
            raise ValueError(f"{PAYLOAD_VARIABLE} names no process")
        return cls(specs, None if timeout is None else float(timeout), changes)

    def child_environ(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The launcher's environment, from the supervisor's."""
        base = {k: v for k, v in environ.items() if k != PAYLOAD_VARIABLE}
        for key, value in self.environ_changes.items():
            if value is None:
                base.pop(key, None)
            else:
                base[key] = value
        return base


class Supervisor:
    """Runs the children of a payload until they have all exited."""

    def __init__(
        self,
        specs: Sequence[ProcessSpec],
        environ: Mapping[str, str],
        stop_timeout: float | None = None,
    ) -> None:
        self.children = [Child(spec, environ) for spec in specs]
        self.several = len(self.children) > 1
        if stop_timeout is None and self.several:
            stop_timeout = DEFAULT_STOP_TIMEOUT
        self.stop_timeout = stop_timeout
        self.printer = (
            Printer([c.name for c in self.children]) if self.several else None
        )
        self.selector = selectors.DefaultSelector()
        self.stopping = False
        self.kill_at: float | None = None
        self.drain_until: float | None = None
        #: The first non-zero status among the children, in the order they exited.
        self.first_failure: int | None = None
        self.wakeup = os.pipe()

    # -- the whole run -----------------------------------------------------------

    def run(self) -> int:
        """Start the children, supervise them; return the launcher's exit status."""
        self.install_signal_handlers()
        try:
            if self.stop_pending():
                return 0  # stopped before anything started: nothing to do
            signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
            self.start_all()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED)
            self.loop()
        finally:
            self.kill_all()
        return self.exit_status()

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

    def stop_pending(self) -> bool:
        """A TERM or INT sent before the children started: they never will."""
        return bool(signal.sigpending() & STOP_ALL)

    def start_all(self) -> None:
        """Start every child (signals blocked: see :func:`child.child_setup`)."""
        for child in self.children:
            try:
                child.start(capture=self.several, handled=HANDLED)
            except (OSError, subprocess.SubprocessError) as exc:
                self.say(f"{child.name}: cannot start {child.spec.argv[0]}: {exc}")
                self.record_failure(1)
                self.request_stop()
                return
            if child.popen is not None and self.several:
                self.say(f"{child.name} started (pid {child.pid})")
                self.watch_output(child)

    def loop(self) -> None:
        while True:
            for child in reap({c.pid: c for c in self.children if c.running}):
                self.exited(child)
            if self.finished():
                return
            for key, _ in self.selector.select(self.next_timeout()):
                if key.data is None:
                    self.handle_signals(key.fd)
                else:
                    self.read_output(key)
            self.kill_when_due()

    def finished(self) -> bool:
        if any(child.running for child in self.children):
            return False
        drained = len(self.selector.get_map()) <= 1  # only the wakeup pipe is left
        return drained or self.drain_until is None or now() >= self.drain_until

    def next_timeout(self) -> float:
        deadlines = [d for d in (self.kill_at, self.drain_until) if d is not None]
        return max(0.0, min([POLL_INTERVAL, *(d - now() for d in deadlines)]))

    def exit_status(self) -> int:
        if self.several or not self.children[0].popen:
            return self.first_failure or 0
        status = self.children[0].status
        return 1 if status is None else status

    # -- signals -------------------------------------------------------------------

    def handle_signals(self, fd: int) -> None:
        for number in read_available(fd):
            with contextlib.suppress(ValueError):
                self.handle(signal.Signals(number))

    def handle(self, sig: signal.Signals) -> None:
        if sig == signal.SIGCHLD:
            return  # the loop reaps after every wake-up
        if sig == signal.SIGTERM or (sig in STOP_ALL and self.several):
            self.request_stop()
            return
        for child in self.children:
            if not self.several and sig == child.stop_signal:
                self.request_stop()
            else:
                child.forward(sig)

    def request_stop(self) -> None:
        """Send every running child its stop signal.

        With several processes each child gets it once, however often the
        launcher is asked; a single process gets every request forwarded (a
        second Ctrl-C means something to Celery).
        """
        if not self.stopping:
            self.stopping = True
            if self.stop_timeout is not None:
                self.kill_at = now() + self.stop_timeout
            running = [c.name for c in self.children if c.running]
            if self.several and running:
                self.say(f"stopping {', '.join(running)}")
        for child in self.children:
            if self.several:
                child.stop()
            else:
                child.send(child.stop_signal)

    def kill_when_due(self) -> None:
        if self.kill_at is None or now() < self.kill_at:
            return
        self.kill_at = None
        for child in self.children:
            if child.running:
                self.say(
                    f"{child.name} did not stop within {self.stop_timeout:g} s: "
                    "killing it"
                )
                child.kill()

    def kill_all(self) -> None:
        """SIGKILL whatever is still running (after an error in the loop) and
        whatever we adopted, then reap it all."""
        for child in self.children:
            child.kill()
        deadline = now() + 10
        while any(child.running for child in self.children) and now() < deadline:
            reap({c.pid: c for c in self.children if c.running})
            time.sleep(0.01)
        kill_adopted()

    # -- children ------------------------------------------------------------------

    def exited(self, child: Child) -> None:
        assert child.status is not None
        self.record_failure(child.status)
        self.drain_output(child)
        on_its_own = not self.stopping
        if self.several:
            how = "stopped" if child.stop_sent is not None else "exited"
            self.say(f"{child.name} {how} with status {child.status}")
        if on_its_own and any(c.running for c in self.children):
            self.request_stop()  # fail fast: one gone means all go
        if not any(c.running for c in self.children):
            kill_adopted()
            self.drain_until = now() + DRAIN_TIMEOUT

    def record_failure(self, status: int) -> None:
        if status and self.first_failure is None:
            self.first_failure = status

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


def read_available(fd: int) -> Iterable[int]:
    """The signal numbers written to the wakeup pipe so far, in order."""
    data = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    return iter(data)


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
    environ = payload.child_environ(os.environ)
    return Supervisor(payload.specs, environ, payload.stop_timeout).run()


if __name__ == "__main__":
    sys.exit(main())
