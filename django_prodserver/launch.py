"""What the ``prodserver`` command does, apart from parsing its options.

Select the processes, check them, resolve them into plans, then print or run them.
Errors are :class:`~django_prodserver.exceptions.ConfigurationError` (or
``LaunchError`` for a non-configuration failure) with a one-line message; the
command turns them into ``CommandError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.checks import CheckMessage

from .exceptions import ConfigurationError
from .plan import Plan
from .resolver import resolve
from .validation import SETTING, check_setting, load_entry


class LaunchError(Exception):
    """A failure to start, with the exit status the command should end with."""

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


@dataclass
class Request:
    """What the user asked for on the command line."""

    names: Sequence[str] = ()
    run_all: bool = False
    extra_args: Sequence[str] = ()
    pythonpath: Sequence[str] = ()
    skip_checks: bool = False


def configured_processes() -> Mapping[str, object]:
    if not hasattr(settings, SETTING):
        raise LaunchError(
            f"{SETTING} setting not found in {settings.SETTINGS_MODULE}: add "
            f'{SETTING} = {{"web": {{"BACKEND": '
            '"django_prodserver.backends.gunicorn.GunicornServer"}} '
            "to your settings"
        )
    processes = getattr(settings, SETTING)
    problems = check_setting(processes)
    if problems:
        raise LaunchError(format_message(problems[0]))
    assert isinstance(processes, Mapping)
    return processes


def select_names(processes: Mapping[str, object], request: Request) -> list[str]:
    available = ", ".join(map(str, processes)) or "(none)"
    if request.run_all:
        if not processes:
            raise LaunchError(f"{SETTING} is empty: there is nothing to run")
        return [str(name) for name in processes]
    if not request.names:
        if len(processes) == 1:
            return [str(next(iter(processes)))]
        raise LaunchError(
            f"Name the process to run, or use --all. {SETTING} has: {available}",
            returncode=2,
        )
    unknown = [name for name in request.names if name not in processes]
    if unknown:
        raise LaunchError(
            f"Process {unknown[0]!r} not found in {SETTING}. "
            f"Available processes: {available}"
        )
    return list(dict.fromkeys(request.names))


def format_message(message: CheckMessage) -> str:
    """One line: ``prodserver.E003: … HINT: …``."""
    text = f"{message.id}: {message.msg}"
    return f"{text}. HINT: {message.hint}" if message.hint else text


def plan_processes(
    processes: Mapping[str, object], names: Sequence[str], request: Request
) -> tuple[list[Plan], list[CheckMessage]]:
    """Check and resolve the named entries. Returns the plans and any warnings."""
    plans: list[Plan] = []
    warnings: list[CheckMessage] = []
    for name in names:
        loaded = load_entry(name, processes[name], deep=not request.skip_checks)
        if loaded.config is None or loaded.backend is None:
            raise LaunchError("\n".join(format_message(m) for m in loaded.errors))
        warnings += loaded.messages
        try:
            plans += resolve(
                loaded.config, loaded.backend, request.extra_args, request.pythonpath
            )
        except ConfigurationError as exc:
            raise LaunchError(str(exc)) from exc
    return plans, warnings


def require_installed(plans: Sequence[Plan]) -> None:
    """Fail with the install hint of the first plan whose program is missing."""
    for plan in plans:
        if plan.missing:
            raise LaunchError(plan.missing)
