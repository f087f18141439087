"""One entry of ``PRODUCTION_PROCESSES``: the keys it takes and its checked form."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .options import ArgValue

#: The setting prodserver reads.
SETTING = "PRODUCTION_PROCESSES"
#: The keys an entry takes.
ENTRY_KEYS = frozenset({"BACKEND", "APP", "ARGS", "ENV", "STOP_TIMEOUT", "RESTART"})
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
    #: ``STOP_TIMEOUT``: seconds, ``None`` for no limit, or UNSET for the
    #: backend's default.
    stop_timeout: float | Unset | None = UNSET
    #: ``RESTART``: one of ``policy.RESTART_POLICIES``.
    restart: str = "no"

    @property
    def label(self) -> str:
        """How messages name the entry: ``PRODUCTION_PROCESSES['web']``."""
        return f"{SETTING}[{self.name!r}]"
