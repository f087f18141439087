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

from .plan import Plan
from .validation import (
    EXAMPLE_BACKEND,
    SETTING,
    RaisedError,
    check_setting,
    inspect_processes,
)

#: What ``--export`` writes (the renderers live in :mod:`django_prodserver.export`,
#: which the command imports only when exporting).
EXPORT_FORMATS = ("procfile", "systemd", "compose")


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


def configured_processes() -> Mapping[object, object]:
    if not hasattr(settings, SETTING):
        raise LaunchError(
            f"{SETTING} setting not found in {settings.SETTINGS_MODULE}: add "
            f'{SETTING} = {{"web": {{"BACKEND": "{EXAMPLE_BACKEND}"}}}} '
            "to your settings"
        )
    processes = getattr(settings, SETTING)
    problems = check_setting(processes)
    if problems:
        raise LaunchError(format_message(problems[0]))
    assert isinstance(processes, Mapping)
    return processes


def select_names(processes: Mapping[object, object], request: Request) -> list[object]:
    """The keys of the processes to run (as configured: any type ends up checked)."""
    if not processes:
        raise LaunchError(
            f"{SETTING} is empty: add a process, e.g. "
            f'{SETTING} = {{"web": {{"BACKEND": "{EXAMPLE_BACKEND}"}}}}'
        )
    available = ", ".join(map(str, processes))
    if request.run_all:
        return list(processes)
    if not request.names:
        if len(processes) == 1:
            return list(processes)
        raise LaunchError(
            f"Name the process to run, or use --all. {SETTING} has: {available}",
            returncode=2,
        )
    unknown = [name for name in request.names if name not in processes]
    if unknown:
        import difflib  # only for a misspelt name: not on every launch

        close = difflib.get_close_matches(unknown[0], map(str, processes), n=1)
        suggestion = f" Did you mean {close[0]!r}?" if close else ""
        raise LaunchError(
            f"Process {unknown[0]!r} not found in {SETTING}. "
            f"Available processes: {available}.{suggestion}"
        )
    return list(dict.fromkeys(request.names))


def format_message(message: CheckMessage) -> str:
    """One line: ``prodserver.E003: … HINT: …``."""
    text = f"{message.id}: {message.msg}"
    return f"{text}. HINT: {message.hint}" if message.hint else text


def plan_processes(
    processes: Mapping[object, object], names: Sequence[object], request: Request
) -> tuple[list[Plan], list[CheckMessage]]:
    """Check, then resolve, the named entries. Returns the plans and any warnings.

    The checks are those of ``manage.py check`` for these entries, less the ids
    in ``SILENCED_SYSTEM_CHECKS``; with ``--skip-checks`` only what resolving
    cannot do without is checked.
    """
    silenced = frozenset(getattr(settings, "SILENCED_SYSTEM_CHECKS", ()))
    found = inspect_processes(
        processes,
        names,
        deep=not request.skip_checks,
        extra_args=request.extra_args,
        pythonpath=request.pythonpath,
        silenced=silenced,
    )
    if found.unresolved:  # then something cannot run: say all that is wrong
        raise_errors(found.messages)
    return found.plans, [m for m in found.messages if m.id not in silenced]


def raise_errors(messages: Sequence[CheckMessage]) -> None:
    """Raise the serious messages among ``messages``, one per line (chained to
    the first exception behind them, for ``--traceback``)."""
    errors = [m for m in messages if m.is_serious()]
    if not errors:
        return
    raised = [m.exception for m in errors if isinstance(m, RaisedError)]
    text = "\n".join(format_message(m) for m in errors)
    raise LaunchError(text) from (raised[0] if raised else None)


def require_installed(plans: Sequence[Plan]) -> None:
    """Fail with the install hint of the first plan whose program is missing."""
    for plan in plans:
        if plan.missing:
            raise LaunchError(plan.missing)
