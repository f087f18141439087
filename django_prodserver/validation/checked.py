"""What an entry of ``PRODUCTION_PROCESSES`` was found to be: its messages and
its backend (:class:`CheckedEntry`), and every entry's (:class:`Report`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import check_ids
from ..backends.base import ProcessBackend
from ..config.messages import error
from ..exceptions import ConfigurationError

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


@dataclass
class CheckedEntry:
    """What checking one entry found: its messages and, when its keys are well
    formed, its backend (built for this launch). The entry's typed form, read
    from the setting once, is ``backend.config`` (a ``ProcessConfig``): the
    launch and the exports read it, never the setting again."""

    name: object
    messages: list[CheckMessage] = field(default_factory=list)
    backend: ProcessBackend | None = None
    #: The exception behind a backend failure the checks found, for ``--traceback``.
    failure: ConfigurationError | None = None

    def errors(self, silenced: Collection[str] = ()) -> list[CheckMessage]:
        """The errors that stop this entry, less the ``silenced`` ids."""
        return [m for m in self.messages if m.is_serious() and m.id not in silenced]

    def add_failure(self, exc: ConfigurationError) -> None:
        self.messages.append(
            error(exc.check_id or check_ids.BACKEND_FAILED, exc.message, exc.hint)
        )
        self.failure = self.failure or exc


@dataclass
class Report:
    """Every checked entry, and the messages about several of them (W003)."""

    entries: list[CheckedEntry]
    shared: list[CheckMessage] = field(default_factory=list)

    @property
    def messages(self) -> list[CheckMessage]:
        return [m for entry in self.entries for m in entry.messages] + self.shared
