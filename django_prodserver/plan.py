"""A plan: everything needed to start one process, and its printable forms."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Plan:
    """One program to start: its argv, the environment changes it needs, and how
    it wants to be signalled (names such as ``"SIGTERM"``)."""

    name: str
    backend: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    cwd: str
    stop_signal: str = "SIGTERM"
    accepted_signals: frozenset[str] = field(default_factory=frozenset)
    can_exec: bool = True
    #: The install hint when the program is not installed here, else "".
    missing: str = ""

    def shell_line(self) -> str:
        """``VAR=value … program arg …``, quoted so that a POSIX shell runs it as is."""
        assignments = [f"{key}={shlex.quote(value)}" for key, value in self.env.items()]
        return " ".join([*assignments, shlex.join(self.argv)])

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "backend": self.backend,
            "argv": list(self.argv),
            "env": dict(self.env),
            "cwd": self.cwd,
        }

    def json_line(self) -> str:
        return json.dumps(self.as_dict())
