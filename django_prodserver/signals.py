"""Signal names shared by backends and executors, resolved on this platform."""

from __future__ import annotations

import signal

#: What a launcher in spawn mode forwards to its child.
FORWARDABLE = frozenset(
    {"SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2"}
    | {"SIGTTIN", "SIGTTOU", "SIGWINCH"}
)


def resolve(names: frozenset[str] | set[str]) -> frozenset[signal.Signals]:
    """The signals among ``names`` that exist on this platform."""
    found = (getattr(signal, name, None) for name in names)
    return frozenset(sig for sig in found if isinstance(sig, signal.Signals))
