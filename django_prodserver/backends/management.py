"""The base classes of workers, and of workers that are Django management commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from .. import check_ids
from . import programs
from .process import ProcessBackend

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


class WorkerBackend(ProcessBackend):
    """A backend that runs background work (task workers, schedulers)."""


#: Flags and options that every Django management command takes.
DJANGO_COMMAND_FLAGS = frozenset(
    {"traceback", "no-color", "force-color", "skip-checks"}
)
DJANGO_COMMAND_OPTIONS = frozenset({"verbosity", "settings", "pythonpath"})


class ManagementCommandBackend(WorkerBackend):
    """A worker that is a Django management command: ``python -m django COMMAND``.

    The command runs with the ``DJANGO_SETTINGS_MODULE`` and ``PYTHONPATH`` that
    prodserver exports, so it finds the project from any working directory.
    ``verbosity`` in ARGS becomes ``--verbosity``.
    """

    #: The management command's name, e.g. ``"qcluster"``.
    command: ClassVar[str] = ""

    def program_argv(self) -> list[str]:
        return programs.python_module_argv("django", self.command)

    def check_app_installed(self, app: str, what: str, hint: str) -> list[CheckMessage]:
        """``prodserver.E011`` unless the Django ``app`` that provides the
        command (``what``, for the message) is in ``INSTALLED_APPS`` (read
        without loading the app registry, where the setting tells)."""
        from ..config.registry import app_installed

        if app_installed(app):
            return []
        return [
            self.error(
                check_ids.APP_NOT_INSTALLED,
                f"{self.command} needs {what} in INSTALLED_APPS",
                hint,
            )
        ]
