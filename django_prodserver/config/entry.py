"""One entry of ``PRODUCTION_PROCESSES``: the keys it takes and its checked form."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .options import ArgValue

#: The setting prodserver reads.
SETTING = "PRODUCTION_PROCESSES"
#: The keys that say what happens before the program starts (see ``lifecycle``).
LIFECYCLE_KEYS = frozenset({"BEFORE", "WAIT_FOR", "WAIT_TIMEOUT"})
#: The keys an entry takes.
ENTRY_KEYS = (
    frozenset({"BACKEND", "APP", "ARGS", "ENV", "STOP_TIMEOUT", "RESTART", "REPLICAS"})
    | frozenset({"PROBE", "RESOURCES"})
    | LIFECYCLE_KEYS
)
#: How long ``WAIT_FOR`` waits, in seconds, when ``WAIT_TIMEOUT`` is not set.
DEFAULT_WAIT_TIMEOUT = 60.0
#: The backend the messages show as an example.
EXAMPLE_BACKEND = "django_prodserver.backends.gunicorn.GunicornServer"


class Unset(enum.Enum):
    """An entry key that is left out, where ``None`` means something else."""

    UNSET = "unset"


#: ``STOP_TIMEOUT`` not given: the backend's default applies (``None`` is no limit).
UNSET: Final = Unset.UNSET


@dataclass(frozen=True)
class ProcessConfig:
    """One entry whose keys have the right types (the checks made sure)."""

    name: str
    backend: str
    app: str | None = None
    args: Mapping[Any, ArgValue] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    #: ``ARGS`` given as a string (as django-prodserver 3.0 took them), split
    #: like a shell would: the options as written.
    arg_words: tuple[str, ...] = ()
    #: ``BEFORE``: management commands to run first, each as its words.
    before: tuple[tuple[str, ...], ...] = ()
    #: ``WAIT_FOR``: what must answer before anything runs.
    wait_for: tuple[str, ...] = ()
    #: ``WAIT_TIMEOUT``: how long to wait for it (None: no limit).
    wait_timeout: float | None = DEFAULT_WAIT_TIMEOUT
    #: ``STOP_TIMEOUT``: seconds, ``None`` for no limit, or UNSET for the
    #: backend's default.
    stop_timeout: float | Unset | None = UNSET
    #: ``RESTART``: one of ``stopping.RESTART_POLICIES``.
    restart: str = "no"
    #: ``REPLICAS``: how many copies the exports run (compose, a swarm stack).
    replicas: int = 1
    #: ``PROBE["path"]``: where a web server's probe asks (None: the backend's
    #: own health path, else ``--probe-path``).
    probe_path: str | None = None
    #: ``RESOURCES``: ``{"requests": {"cpu": …, "memory": …}, "limits": …}``
    #: for the Kubernetes export (None: the defaults of its kind of process).
    resources: Mapping[str, Mapping[str, str]] | None = None

    @property
    def label(self) -> str:
        """How messages name the entry: ``PRODUCTION_PROCESSES['web']``."""
        return f"{SETTING}[{self.name!r}]"
