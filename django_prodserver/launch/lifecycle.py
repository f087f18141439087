"""What happens before the programs start: waits, steps and one-shot entries.

In the launcher, where Django is loaded, in this order:

1. every one-shot entry (a release step), one after the other: it waits for
   its ``WAIT_FOR``, runs its ``BEFORE`` steps, then its program if it has one,
   to completion; the first failure ends the launch with its status;
2. every other entry: it waits for its ``WAIT_FOR``, then runs its ``BEFORE``
   steps.

Only then are the programs exec'd or supervised. A SIGTERM or SIGINT meanwhile
stops the launch before any of them starts (exit status 128 + the signal), and
reaches a one-shot program as its stop signal.

The command loads this module only for entries that need it.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from .. import check_ids
from ..backends.base import ProcessBackend
from ..before.steps import describe as describe_step
from ..before.steps import run_steps, runs
from ..before.targets import Endpoint, TargetError, endpoints
from ..before.waiting import TimedOut, Waiter
from ..exceptions import ConfigurationError
from ..redaction import redact_argv, redact_text
from .plan import Plan

Say = Callable[[str], None]
#: A selected entry: its backend, and the plans of its program (none for a
#: release entry, whose steps are its work).
Selected = tuple[ProcessBackend, Sequence[Plan]]

#: The stop requests that end a launch before the programs start.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(BaseException):
    """A stop request arrived (a BaseException: a step's ``except Exception``
    must not swallow it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def wait_endpoints(backend: ProcessBackend) -> list[Endpoint]:
    """Where the entry's ``WAIT_FOR`` targets listen."""
    config = backend.config
    found: list[Endpoint] = []
    for target in config.wait_for:
        try:
            found += endpoints(target, backend)
        except TargetError as exc:
            raise ConfigurationError(
                f"{config.label}['WAIT_FOR']: {exc.message}",
                exc.hint,
                check_ids.UNKNOWN_WAIT_TARGET,
            ) from exc
    return found


def wait_for_services(backend: ProcessBackend, say: Say) -> None:
    config = backend.config
    waiter = Waiter(config.name, config.wait_timeout, say)
    try:
        waiter.wait_all(wait_endpoints(backend))
    except TimedOut as exc:
        migrations = exc.endpoint.protocol == "migrations"
        raise ConfigurationError(
            f"{config.label}: {exc.endpoint.describe()} "
            f"{'were not all applied' if migrations else 'did not answer'} within "
            f"{config.wait_timeout:g} s (WAIT_TIMEOUT): {exc.error}",
            "Run the release step (manage.py prodserver_migrate), or raise "
            "WAIT_TIMEOUT."
            if migrations
            else "Start it, check its address, or raise WAIT_TIMEOUT.",
        ) from None


def prepare(backend: ProcessBackend, say: Say) -> None:
    """Wait for the entry's services, then run its steps."""
    if backend.config.wait_for:
        wait_for_services(backend, say)
    if backend.config.before:
        run_steps(backend.config, say)


def exit_status(returncode: int) -> int:
    """A child's status as a shell reports it: 128 + N for a death by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def run_once(plan: Plan, say: Say) -> None:
    """Run a one-shot program to completion; a stop request reaches it as its
    stop signal. Raises :class:`ConfigurationError` if it fails."""
    say(f"{plan.name}: {shlex.join(redact_argv(plan.argv))}")
    # A stop request while the child starts is held until it has a name here:
    # raised inside Popen, it would leave the child running, unsignalled.
    with held_stop_requests() as held:
        child = subprocess.Popen(
            list(plan.argv), env={**os.environ, **plan.env}, cwd=plan.cwd or None
        )
    try:
        if held:
            raise Stopped(held[0])
        returncode = child.wait()
    except Stopped:
        child.send_signal(getattr(signal, plan.stop_signal, signal.SIGTERM))
        try:
            child.wait(plan.stop_timeout)
        except subprocess.TimeoutExpired:  # its stop budget is spent
            child.kill()
            child.wait()
        raise
    if returncode != 0:
        status = exit_status(returncode)
        raise ConfigurationError(
            f"{plan.name} exited with status {status}: the other processes were "
            "not started",
            returncode=status,
        )


@contextmanager
def stop_requests() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into :class:`Stopped` (PID 1 of a container
    would otherwise ignore SIGTERM); the old handlers come back.

    The first request stops the launch; those that follow (a burst of them, a
    second Ctrl-C) are held, blocked, until the launcher has exited: it ends
    with its own status, not killed by one of them.
    """

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        if _held is not None:
            _held.append(signum)
            return
        raise Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


#: Stop requests that came while a child was being started (None: raise them).
_held: list[int] | None = None


@contextmanager
def held_stop_requests() -> Iterator[list[int]]:
    """Keep the stop requests that come inside the block, instead of raising
    them there: the caller raises them once it can act on them."""
    global _held
    _held = []
    try:
        yield _held
    finally:
        _held = None


def run_before_programs(selected: Sequence[Selected], say: Say) -> None:
    """Run the one-shot entries, then the waits and steps of the others."""
    current = selected[0][0].name if selected else ""
    try:
        with stop_requests():
            for backend, plans in selected:
                if backend.oneshot:
                    current = backend.name
                    prepare(backend, say)
                    for plan in plans:
                        run_once(plan, say)
            for backend, _ in selected:
                if not backend.oneshot:
                    current = backend.name
                    prepare(backend, say)
    except Stopped as stop:
        raise ConfigurationError(
            f"{current}: stopped by {stop} before the programs started",
            returncode=128 + stop.signum,
        ) from None


def describe(backend: ProcessBackend) -> list[str]:
    """What the launcher does for the entry, one phrase a line (for
    ``--dry-run`` and ``--list``)."""
    config = backend.config
    lines = ["runs once, to completion, before the others start"] * backend.oneshot
    if config.wait_for:
        limit = (
            "without a time limit"
            if config.wait_timeout is None
            else f"up to {config.wait_timeout:g} s"
        )
        try:
            awaited = [e.describe() for e in wait_endpoints(backend)]
        except ConfigurationError:  # a silenced check: show what is written
            awaited = [redact_text(target) for target in config.wait_for]
        lines.append(
            f"waits {limit} for {', '.join(awaited)}"
            if awaited
            else "has nothing to wait for (WAIT_FOR names local services only)"
        )
    lines += [f"then runs {describe_step(words)}" for words in config.before]
    return lines


def as_json(backend: ProcessBackend) -> dict[str, object]:
    """The entry's lifecycle keys for ``--dry-run --format=json`` (only those set)."""
    config = backend.config
    data: dict[str, object] = {"oneshot": True} if backend.oneshot else {}
    if config.wait_for:
        data["wait_for"] = [redact_text(target) for target in config.wait_for]
        data["wait_timeout"] = config.wait_timeout
    if config.before:
        data["before"] = [redact_argv(runs(words)) for words in config.before]
    return data
