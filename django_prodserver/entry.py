"""One entry of ``PRODUCTION_PROCESSES``: the keys it takes and its checked form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .options import ArgValue

#: The setting prodserver reads.
SETTING = "PRODUCTION_PROCESSES"
#: The keys an entry takes.
ENTRY_KEYS = frozenset({"BACKEND", "APP", "ARGS", "ENV"})
#: The backend the messages show as an example.
EXAMPLE_BACKEND = "django_prodserver.backends.gunicorn.GunicornServer"


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

    @property
    def label(self) -> str:
        """How messages name the entry: ``PRODUCTION_PROCESSES['web']``."""
        return f"{SETTING}[{self.name!r}]"
