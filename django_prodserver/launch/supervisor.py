"""Spawn mode: ``python -m django_prodserver.launch.supervisor`` runs the children.

The ``prodserver`` command resolves its plans in the Django process, then execs
this module (keeping its PID, so that Docker's or systemd's signals reach it)
with the plans as JSON in an anonymous file whose inherited descriptor
:data:`PAYLOAD_VARIABLE` names. The supervisor imports neither Django nor any
program it starts: it stays a small process.

One loop, one thread. Signals are turned into bytes on a wakeup pipe
(:func:`signal.set_wakeup_fd`, one byte per delivery, so none is counted twice
or dropped), which wakes the same ``select`` that reads the children's output.
After every wake-up, exited children are reaped. What to do about each event is
decided by :class:`~django_prodserver.launch.policy.Policy`; this module carries it out.

The children's output is read only while the supervisor's own output can take
it (see :mod:`~django_prodserver.launch.printer`): a slow reader slows the programs
down, as a plain pipe would, and no line is lost. Once a stop is under way (or
everything has exited), an output whose reader has taken nothing for
:data:`DRAIN_TIMEOUT` is given up on, so that a stalled reader never holds up a
stop: what it did not take is counted, per process, in one line on stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping, MutableMapping, Sequence

from ..signals import FORWARDABLE, resolve
from .child import PRCTL, Child, become_subreaper, has_children, reap
from .plan import Plan
from .policy import Action, ChildState, Kill, Policy, Say, Send, Start
from .printer import (
    SYSTEM,
    LineWriter,
    Output,
    Printer,
    enlarge,
    write_all,
    write_notices,
)
from .watchdog import Watchdog

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

#: The environment variable that names the file descriptor of the plans.
PAYLOAD_VARIABLE = "DJANGO_PRODSERVER_SUPERVISE"
#: How long, at the end, output may go without moving: a pipe that escaped
#: helpers hold open is left after this long without a byte, and an output
#: whose reader took nothing for this long during a stop is given up on.
DRAIN_TIMEOUT = 1.0
#: How much of a child's pipe is read at once.
READ_SIZE = 256 * 1024
#: The longest the loop sleeps: a safety net should a wake-up byte be lost.
POLL_INTERVAL = 1.0

#: Every signal the supervisor handles: those it forwards, and SIGCHLD.
HANDLED: tuple[signal.Signals, ...] = tuple(
    sorted(resolve(FORWARDABLE) | {signal.SIGCHLD})
)
#: Signals that, sent before the children start, mean none should start.
STOP_BEFORE_START = frozenset({signal.SIGTERM, signal.SIGINT})


class Payload:
    """What the command hands the supervisor: the plans, the ``--stop-timeout``
    that overrides their own, and the environment the children start from (the
    launcher's original one)."""

    def __init__(
        self,
        plans: Sequence[Plan],
        stop_timeout: float | None = None,
        environ: Mapping[str, str] | None = None,
        colour: bool | None = None,
    ) -> None:
        self.plans = list(plans)
        self.stop_timeout = stop_timeout
        self.environ = dict(environ or {})
        #: ``--force-color`` (True), ``--no-color`` (False), or neither (None).
        self.colour = colour

    def encode(self) -> bytes:
        return json.dumps(
            {
                "processes": [plan.to_payload() for plan in self.plans],
                "stop_timeout": self.stop_timeout,
                "environ": self.environ,
                "colour": self.colour,
            }
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> Payload:
        try:
            loaded = json.loads(data)
            plans = [Plan.from_payload(item) for item in loaded["processes"]]
            timeout = loaded["stop_timeout"]
            environ = loaded["environ"]
            colour = loaded.get("colour")
            if not isinstance(environ, dict):
                raise TypeError("the environment is not a dict")
            if timeout is not None:
                timeout = float(timeout)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed plans: {exc}") from exc
        if not plans:
            raise ValueError("the plans name no process")
        environ = {str(k): str(v) for k, v in environ.items()}
        return cls(plans, timeout, environ, None if colour is None else bool(colour))

    def to_descriptor(self) -> int:
        """A file descriptor of an anonymous file that holds the payload, read
        from its start (close-on-exec: the caller lets the supervisor inherit it).

        An environment variable would be limited to 128 KiB on Linux; a file
        has no such limit.
        """
        fd = anonymous_file()
        view = memoryview(self.encode())
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    @classmethod
    def from_descriptor(cls, fd: int) -> Payload:
        """The payload in file descriptor ``fd``, which is closed."""
        chunks = []
        try:
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
        except OSError as exc:
            raise ValueError(f"cannot read the plans: {exc}") from exc
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
        return cls.decode(b"".join(chunks))


def anonymous_file() -> int:
    """A file without a name: in memory on Linux, else an unlinked temporary file."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("prodserver-plans")
    import tempfile

    with tempfile.TemporaryFile() as file:
        return os.dup(file.fileno())


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
    ) -> None:
        self.children = {plan.name: Child(plan, environ) for plan in plans}
        self.several = len(self.children) > 1
        self.policy = Policy(
            [child_state(child, stop_timeout) for child in self.children.values()]
        )
        names = list(self.children)
        self.printer = Printer(names, colour=colour) if self.several else None
        #: Where the supervisor's own lines go (and, with several, the output).
        self.outputs = self.printer.outputs if self.printer else (Output(2, False),)
        self.selector = selectors.DefaultSelector()
        #: The children's pipes still open, by descriptor.
        self.sources: dict[int, Source] = {}
        #: When a child's pipe was last read (or the last child exited).
        self.last_read = now()
        self.wakeup = os.pipe()
        # As PID 1 nobody can SIGKILL the supervisor and leave its children.
        self.watchdog = Watchdog(PRCTL is None) if os.getpid() != 1 else None

    # -- the whole run -----------------------------------------------------------

    def run(self) -> int:
        """Start the children, supervise them; return the launcher's exit status."""
        if self.watchdog is not None:  # before our handlers: it must not run them
            self.watchdog.start(HANDLED)
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
            # Python puts the default handlers back as it exits: a stop request
            # still on its way (a burst) would kill us instead of our status.
            signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
            write_notices(self.outputs, self.outputs[-1])
        return self.policy.exit_status()

    def close_watchdog(self) -> None:
        if self.watchdog is not None:
            self.watchdog.close()

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
            self.watch_room()
            self.pace_reading()
            for key, _ in self.selector.select(self.next_timeout()):
                if key.data is None:
                    for sig in read_signals(key.fd):
                        self.carry_out(self.policy.on_signal(sig, now()))
                elif isinstance(key.data, Output):
                    key.data.flush()
                else:
                    self.read_output(key.data)
            self.carry_out(self.policy.on_time(now()))
            self.give_up_on_stalled_readers()

    def finished(self) -> bool:
        """Nothing runs or waits to be restarted, and the output is through:
        every pipe has ended (or none was read for :data:`DRAIN_TIMEOUT`) and
        the outputs hold nothing (or were given up on)."""
        if not self.policy.finished():
            return False
        if any(output.waiting for output in self.outputs):
            return False
        return not self.sources or now() - self.last_read >= DRAIN_TIMEOUT

    def ending(self) -> bool:
        return self.policy.stopping or self.policy.finished()

    def give_up_on_stalled_readers(self) -> None:
        """During a stop, an output whose reader has stopped reading is given up
        on (its lines are counted), so that no program waits on it to stop."""
        if self.ending():
            for output in self.outputs:
                if output.stalled(now(), DRAIN_TIMEOUT):
                    output.abandon()

    def pace_reading(self) -> None:
        """Read a child's pipe only while the output it goes to can take more."""
        watched = self.selector.get_map()
        for fd, source in self.sources.items():
            wanted = not source.writer.output.full
            if wanted and fd not in watched:
                self.selector.register(fd, selectors.EVENT_READ, source)
            elif not wanted and fd in watched:
                self.selector.unregister(fd)

    def watch_room(self) -> None:
        """Watch the outputs that hold output for room in their descriptor."""
        for output in self.outputs:
            if output.watched is None:
                continue
            watching = output.watched in self.selector.get_map()
            if output.waiting and not watching:
                self.selector.register(output.watched, selectors.EVENT_WRITE, output)
            elif watching and not output.waiting:
                self.selector.unregister(output.watched)

    def next_timeout(self) -> float:
        deadlines = [self.policy.next_deadline()]
        if self.policy.finished() and self.sources:
            deadlines.append(self.last_read + DRAIN_TIMEOUT)
        if self.ending():  # when a stalled output is given up on
            deadlines += [
                output.blocked_since + DRAIN_TIMEOUT
                for output in self.outputs
                if output.waiting and output.blocked_since is not None
            ]
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
            self.watchdog.started(child.pid, child.stop_signal, budget)
        if self.several:
            self.say(f"{child.name} started (pid {child.pid})")
            self.watch_output(child)
        self.carry_out(self.policy.started(child.name, now()))

    def exited(self, child: Child) -> None:
        assert child.status is not None
        if self.watchdog is not None:
            self.watchdog.gone(child.pid)
        self.drain_output(child)
        self.carry_out(self.policy.on_exit(child.name, child.status, now()))
        if self.policy.finished():
            self.close_watchdog()
            kill_adopted()
            self.last_read = now()

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

    # -- output --------------------------------------------------------------------

    def watch_output(self, child: Child) -> None:
        assert child.popen is not None
        assert self.printer is not None
        for stream in ("stdout", "stderr"):
            pipe = getattr(child.popen, stream)
            os.set_blocking(pipe.fileno(), False)
            enlarge(pipe.fileno())
            writer = self.printer.writer(child.name, stream)
            self.sources[pipe.fileno()] = Source(pipe, writer)
        # Registered for reading by pace_reading().

    def read_output(self, source: Source, drain: bool = False) -> None:
        """Print what a pipe holds; with ``drain``, everything until it is empty."""
        while True:
            try:
                data = os.read(source.fd, READ_SIZE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            self.last_read = now()
            if not data:
                break
            source.writer.feed(data)
            if not drain:
                return
        self.close_source(source)

    def close_source(self, source: Source) -> None:
        source.writer.close()
        del self.sources[source.fd]
        if source.fd in self.selector.get_map():
            self.selector.unregister(source.fd)
        with contextlib.suppress(OSError):
            source.pipe.close()

    def drain_output(self, child: Child) -> None:
        """Print what an exited child left in its pipes, before we speak of it."""
        if child.popen is None:
            return
        for pipe in (child.popen.stdout, child.popen.stderr):
            if pipe is not None and not pipe.closed:
                self.read_output(self.sources[pipe.fileno()], drain=True)

    def say(self, text: str) -> None:
        if self.printer is not None:
            self.printer.message(text)
        else:
            line = f"{SYSTEM}: {text}\n".encode(errors="replace")
            self.outputs[0].write(SYSTEM, line)


class Source:
    """One pipe of a child's, and the writer its lines go to."""

    def __init__(self, pipe: IO[bytes], writer: LineWriter) -> None:
        self.pipe = pipe
        self.fd = pipe.fileno()
        self.writer = writer


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


def read_payload(environ: MutableMapping[str, str]) -> Payload:
    """The payload whose file descriptor :data:`PAYLOAD_VARIABLE` names (the
    variable is removed). ``LookupError`` without one, ``ValueError`` if it
    cannot be read."""
    value = environ.pop(PAYLOAD_VARIABLE)
    if not value.isdigit():
        raise ValueError(f"{PAYLOAD_VARIABLE} is not a file descriptor: {value!r}")
    return Payload.from_descriptor(int(value))


def main() -> int:
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
        payload.plans, payload.environ, payload.stop_timeout, payload.colour
    )
    return supervisor.run()


if __name__ == "__main__":
    status = main()
    # Everything was written with os.write: nothing is left to flush, and the
    # interpreter's teardown would only delay the exit a stop waits for.
    os._exit(status)
