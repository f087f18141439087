"""``waitress-serve`` that stops gracefully on SIGTERM.

Waitress installs no signal handlers: SIGINT raises ``KeyboardInterrupt`` in its
main loop, which it catches to finish the running requests (for up to 5 s) and
exit 0, while SIGTERM kills it at once and drops them. Docker, systemd and
Kubernetes stop a process with SIGTERM, so the ``WaitressServer`` backend execs
this module instead of the console script::

    python -m django_prodserver.waitress_serve [waitress-serve options] MODULE:OBJECT

It makes SIGTERM do what SIGINT does, then runs waitress's own command-line entry
point in this process with the same arguments. It imports nothing but waitress
(the package ``__init__`` is a version string), so the server process is the same
as with ``waitress-serve``.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

#: Signals that stop waitress gracefully, as SIGINT does.
GRACEFUL = (signal.SIGINT, signal.SIGTERM)


class Stop(KeyboardInterrupt):
    """``KeyboardInterrupt`` (what waitress's main loop catches), with its signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def interrupt(signum: int, frame: FrameType | None) -> None:
    raise Stop(signum)


def drop_working_directory_from_path() -> None:
    """``python -m`` puts the working directory first on ``sys.path``; the console
    script does not (waitress appends it last itself), so neither do we."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for signum in GRACEFUL:
        signal.signal(signum, interrupt)
    drop_working_directory_from_path()
    try:
        runner = importlib.import_module("waitress.runner")
        return int(runner.run(["waitress-serve", *args]) or 0)
    except Stop as stop:
        # A signal before waitress's loop started, or a second one while it
        # finished its requests: stop now, as killed by that signal would.
        return 128 + stop.signum


if __name__ == "__main__":
    sys.exit(main())
