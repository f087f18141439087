"""A plan: everything needed to start one process, and its printable forms.

The executor execs a plan; the supervisor (which runs without Django) starts and
stops plans. This module imports nothing of Django, so both can use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..config.stopping import RESTART_POLICIES
from .record import Record


class Plan(Record):
    """One program to start: its argv, the environment changes it needs, and how
    it wants to be signalled (names such as ``"SIGTERM"``).

    ``env`` holds only the variables prodserver sets or changes; the program sees
    the launcher's environment with these on top. ``stop_timeout`` is how long
    a stop may take before what is left is killed (None: no limit); ``restart``
    when the supervisor starts the program again (one of RESTART_POLICIES);
    ``reaps_orphans`` whether the program reaps children it did not start, so
    that it can be process 1 of a container itself.
    """

    __slots__ = (
        "accepted_signals",
        "argv",
        "backend",
        "can_exec",
        "cwd",
        "env",
        "name",
        "reaps_orphans",
        "restart",
        "stop_signal",
        "stop_timeout",
        "url",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        backend: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: str,
        stop_signal: str = "SIGTERM",
        accepted_signals: frozenset[str] = frozenset(),
        can_exec: bool = True,
        stop_timeout: float | None = None,
        restart: str = "no",
        reaps_orphans: bool = False,
        url: str = "",
    ) -> None:
        self.name = name
        self.backend = backend
        self.argv = tuple(argv)
        self.env = env
        self.cwd = cwd
        self.stop_signal = stop_signal
        self.accepted_signals = frozenset(accepted_signals)
        self.can_exec = can_exec
        self.stop_timeout = stop_timeout
        self.restart = restart
        self.reaps_orphans = reaps_orphans
        #: The URL to open of a web server (the start-up banner's), or "".
        self.url = url

    def replace(self, **changes: object) -> Plan:
        """A copy with some fields changed."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return Plan(**{**fields, **changes})

    def shell_line(self, env: Mapping[str, str] | None = None) -> str:
        """``VAR=value … program arg …``, quoted so that a POSIX shell runs it as
        is (``env``: other variables to show than the plan's). The checks make
        sure that every variable name is one a shell can assign. Secrets are
        masked (see :mod:`~django_prodserver.redaction`)."""
        import shlex  # printing only: a launch does without

        from ..redaction import redact_argv, redact_env

        shown = redact_env(self.env if env is None else env)
        assignments = [f"{key}={shlex.quote(value)}" for key, value in shown.items()]
        return " ".join([*assignments, shlex.join(redact_argv(self.argv))])

    def as_dict(self) -> dict[str, object]:
        """What ``--dry-run --format=json`` prints of the plan (secrets masked)."""
        from ..redaction import redact_argv, redact_env

        return {
            "name": self.name,
            "backend": self.backend,
            "argv": redact_argv(self.argv),
            "env": redact_env(self.env),
            "cwd": self.cwd,
        }

    def json_line(self) -> str:
        import json  # printing only: a launch does without

        return json.dumps(self.as_dict())

    def to_payload(self) -> dict[str, object]:
        """Every field, in JSON types (what the supervisor receives)."""
        data = {name: getattr(self, name) for name in self.__slots__}
        data.update(
            argv=list(self.argv),
            env=dict(self.env),
            accepted_signals=sorted(self.accepted_signals),
        )
        return data

    @classmethod
    def from_payload(cls, data: Mapping[str, object]) -> Plan:
        """The plan of :meth:`to_payload`; ``ValueError`` if it is malformed."""
        name = data.get("name")
        argv, env, accepted = (
            data.get("argv"),
            data.get("env"),
            data.get("accepted_signals"),
        )
        timeout, restart = data.get("stop_timeout"), data.get("restart", "no")
        if not isinstance(argv, list) or not argv:
            raise ValueError(f"process {name!r} has no argv")
        if not isinstance(env, dict) or not isinstance(accepted, list):
            raise ValueError(f"process {name!r} is malformed")
        if timeout is not None and not isinstance(timeout, (int, float)):
            raise ValueError(f"process {name!r} has a malformed stop timeout")
        if restart not in RESTART_POLICIES:
            raise ValueError(f"process {name!r} has an unknown restart policy")
        return cls(
            name=str(name),
            backend=str(data.get("backend", "")),
            argv=tuple(str(arg) for arg in argv),
            env={str(k): str(v) for k, v in env.items()},
            cwd=str(data.get("cwd")),
            stop_signal=str(data.get("stop_signal")),
            accepted_signals=frozenset(str(sig) for sig in accepted),
            can_exec=bool(data.get("can_exec", True)),
            stop_timeout=None if timeout is None else float(timeout),
            restart=str(restart),
            reaps_orphans=bool(data.get("reaps_orphans", False)),
            url=str(data.get("url") or ""),
        )
