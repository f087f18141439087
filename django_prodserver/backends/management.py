"""The base classes of workers, and of workers that are Django management commands."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

from .. import check_ids
from ..config.options import OptionRules
from . import programs
from .declare import Names, Pairs, names, pairs, program_rules
from .probes import DEFAULT_PATH, Probe, ProcessProbe
from .process import ProcessBackend

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


class WorkerBackend(ProcessBackend):
    """A backend that runs background work (task workers, schedulers).

    ``probe_running`` says that its probe is whether its processes run (for a
    program that answers nothing a probe could ask); see :meth:`running_probe`.
    ``renames_itself`` leaves it without a probe where ``setproctitle`` is
    installed.
    """

    probe_running: ClassVar[bool] = False
    #: Whether the program rewrites its whole process title where
    #: ``setproctitle`` is installed: its command line is then not there to find.
    renames_itself: ClassVar[bool] = False

    def probe(
        self, extra_args: list[str], http_path: str = DEFAULT_PATH
    ) -> Probe | None:
        renamed = self.renames_itself and programs.is_installed("setproctitle")
        if self.probe_running and not renamed:
            return self.running_probe(extra_args)
        return super().probe(extra_args, http_path)  # Flower is a web server too

    def running_probe(self, extra_args: list[str]) -> ProcessProbe:
        """A probe that the program's processes run: for a program with nothing
        to ask. Each command is known by its words after the interpreter (see
        :meth:`probe_words`)."""
        commands = tuple(
            tuple(self.probe_words(argv)) for argv in self.commands(extra_args)
        )
        program = os.path.basename(self.program_argv()[-1])
        return ProcessProbe(commands, program)

    def probe_words(self, argv: list[str]) -> list[str]:
        """The words a running command line of ``argv`` ends with: those after
        the program (the interpreter's path and ``-m`` may differ)."""
        return argv[len(self.program_argv()) :]


#: Flags and options that every Django management command takes.
DJANGO_COMMAND_FLAGS = frozenset(
    {"traceback", "no-color", "force-color", "skip-checks"}
)
DJANGO_COMMAND_OPTIONS = frozenset({"verbosity", "settings", "pythonpath"})


def command_rules(
    *, flags: Names = "", values: Names = "", short: Pairs = "", **rules: Any
) -> OptionRules:
    """:func:`~django_prodserver.backends.declare.program_rules` of a management
    command: its own ``flags`` and ``values``, and those every Django command
    takes (``-v`` is ``--verbosity``)."""
    return program_rules(
        flags=names(flags) | DJANGO_COMMAND_FLAGS,
        values=names(values) | DJANGO_COMMAND_OPTIONS,
        short={**pairs(short), "v": "verbosity"},
        **rules,
    )


class ManagementCommandBackend(WorkerBackend):
    """A worker that is a Django management command: ``python -m django COMMAND``.

    The command runs with the ``DJANGO_SETTINGS_MODULE`` and ``PYTHONPATH`` that
    prodserver exports, so it finds the project from any working directory.
    ``verbosity`` in ARGS becomes ``--verbosity``.
    """

    #: The management command's name, e.g. ``"qcluster"``.
    command: ClassVar[str] = ""
    #: The Django app that provides the command, for ``prodserver.E011``:
    #: ``(app, what it is for the message, hint)``; None for no check.
    django_app: ClassVar[tuple[str, str, str] | None] = None

    def program_argv(self) -> list[str]:
        return programs.python_module_argv("django", self.command)

    def probe_words(self, argv: list[str]) -> list[str]:
        # The command's name and its options: without options, the name is all.
        return argv[len(self.program_argv()) - 1 :]

    def check_config(self) -> list[CheckMessage]:
        """The checks of every backend, then :attr:`django_app`'s."""
        app = self.django_app
        return [
            *super().check_config(),
            *(self.check_app_installed(*app) if app else []),
        ]

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
