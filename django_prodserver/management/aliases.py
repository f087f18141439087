"""django-prodserver 3.0's commands, ``server`` and ``worker``: ``prodserver``
limited to one kind of backend, as 3.0 was, with a one-line deprecation note.

Without a name they run the first entry of ``PRODUCTION_PROCESSES``, as 3.0
did; ``prodserver`` itself keeps its own rule (the only entry, or a name).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..backends.base import ProcessBackend
from ..command.request import Request
from .commands.prodserver import Command as ProdserverCommand


class KindCommand(ProdserverCommand):
    """``prodserver`` for one kind of backend (a subclass names it)."""

    #: The command's name, e.g. "server".
    kind: ClassVar[str]
    #: The backends it runs.
    backend_class: ClassVar[type[ProcessBackend]]

    def request(self, options: dict[str, Any]) -> Request:
        request = super().request(options)
        return Request(**{**request.__dict__, "kind": (self.kind, self.backend_class)})

    def handle(self, *args: str, **options: Any) -> None:
        self.stderr.write(
            f"manage.py {self.kind} is deprecated: use manage.py prodserver, which "
            "takes the same names and options.",
            self.style.WARNING,
        )
        super().handle(*args, **options)
