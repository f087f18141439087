"""Signals into the supervisor's loop: bytes on a wakeup pipe.

:func:`signal.set_wakeup_fd` writes one byte per delivery, so that no signal is
counted twice or dropped, and the byte wakes the same ``select`` that reads the
children's output. The Python-level handlers do nothing: the loop reads the
pipe (:func:`read_signals`) and acts on what it finds.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal

from ..signals import FORWARDABLE, resolve

#: Every signal the supervisor handles: those it forwards, and SIGCHLD.
HANDLED: tuple[signal.Signals, ...] = tuple(
    sorted(resolve(FORWARDABLE) | {signal.SIGCHLD})
)
#: Signals that, sent before the children start, mean none should start.
STOP_BEFORE_START = frozenset({signal.SIGTERM, signal.SIGINT})


def route_signals(selector: selectors.BaseSelector) -> tuple[int, int]:
    """Route every handled signal to a new wakeup pipe, whose reading end is
    registered in ``selector`` (with None as its data); return the pipe.

    The command execs the supervisor with these signals blocked, so that one
    sent while Python starts waits instead of killing it: they are delivered
    once the supervisor unblocks them, after the children have started.
    """
    wakeup = os.pipe()
    read_end, write_end = wakeup
    for fd in wakeup:
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    for sig in HANDLED:
        signal.signal(sig, ignore_here)
    selector.register(read_end, selectors.EVENT_READ, None)
    return wakeup


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
