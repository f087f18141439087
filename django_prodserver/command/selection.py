"""Which processes the command runs: the names it selects from
``PRODUCTION_PROCESSES``, checked (:mod:`~django_prodserver.validation.entries`)
and resolved into plans (:mod:`~django_prodserver.launch.resolver`), with what
to warn of and what is broken."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import check_ids
from ..backends.base import ProcessBackend
from ..config import registry
from ..config.entry import EXAMPLE_BACKEND, SETTING
from ..config.environment import LaunchContext
from ..config.project_settings import settings
from ..exceptions import ConfigurationError
from ..launch.plan import Plan
from ..launch.resolver import resolve
from ..text import did_you_mean
from ..validation.entries import NAME_PATTERN, Report, check_entries, read_setting
from .output import Console
from .request import Request
from .scaling import apply_scale

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


@dataclass(frozen=True)
class Selected:
    """One selected entry: its backend, and the plans of its program (none for
    a release entry, whose steps are its work)."""

    backend: ProcessBackend
    plans: list[Plan]

    @property
    def prepared(self) -> bool:
        """Whether the launcher has something to do for it first."""
        config = self.backend.config
        return bool(self.backend.oneshot or config.before or config.wait_for)


def launch_order(selected: list[Selected]) -> list[Selected]:
    """One-shot entries (release steps) first, each group in its given order."""
    return sorted(selected, key=lambda each: not each.backend.oneshot)


def configured_processes() -> Mapping[Any, object]:
    """``PRODUCTION_PROCESSES``, once it is known to be a dict."""
    if not hasattr(settings, SETTING):
        raise ConfigurationError(
            f"{SETTING} setting not found in {settings.SETTINGS_MODULE}: add "
            f'{SETTING} = {{"web": {{"BACKEND": "{EXAMPLE_BACKEND}"}}}} '
            "to your settings"
        )
    processes, problems = read_setting(getattr(settings, SETTING))
    if problems:
        raise ConfigurationError(format_message(problems[0]))
    return processes


def select_names(processes: Mapping[Any, object], request: Request) -> list[object]:
    """The keys of the processes to run (as configured: any type ends up checked)."""
    if not processes:
        raise ConfigurationError(
            f"{SETTING} is empty: add a process, e.g. "
            f'{SETTING} = {{"web": {{"BACKEND": "{EXAMPLE_BACKEND}"}}}}'
        )
    available = ", ".join(map(str, processes))
    if request.run_all:
        return list(processes)
    if not request.names:
        if len(processes) == 1 or request.kind:
            return list(processes)[:1]
        raise ConfigurationError(
            f"Name the process to run, or use --all. {SETTING} has: {available}",
            returncode=2,
        )
    unknown = [name for name in request.names if name not in processes]
    if unknown:
        suggestion = did_you_mean(unknown[0], map(str, processes))
        raise ConfigurationError(
            f"Process {unknown[0]!r} not found in {SETTING}. "
            f"Available processes: {available}. {suggestion}".rstrip()
        )
    return list(dict.fromkeys(request.names))


def format_message(message: CheckMessage) -> str:
    """One line: ``prodserver.E003: … HINT: …``."""
    text = f"{message.id}: {message.msg}"
    return f"{text}. HINT: {message.hint}" if message.hint else text


def silenced_checks() -> frozenset[str]:
    return frozenset(getattr(settings, "SILENCED_SYSTEM_CHECKS", ()))


def raise_errors(report: Report, silenced: frozenset[str]) -> None:
    """Raise every error of the report that is not silenced, one per line
    (chained to the first backend failure behind them, for ``--traceback``)."""
    errors = [m for m in report.messages if m.is_serious() and m.id not in silenced]
    if errors:
        failure = next((e.failure for e in report.entries if e.failure), None)
        text = "\n".join(format_message(m) for m in errors)
        raise ConfigurationError(text) from failure


def args_by_name(
    names: Sequence[str], extra_args: Sequence[str]
) -> dict[str, list[str]]:
    """The arguments after ``--`` that go to each process.

    With one process they are all its own. With several, each argument says
    which process it is for, ``NAME:ARGUMENT`` (``web:--workers=8``), so that
    none reaches a program it would mean nothing to, or something else.
    """
    found: dict[str, list[str]] = {name: [] for name in names}
    if len(names) == 1:
        found[names[0]] = list(extra_args)
        return found
    listing = ", ".join(names)
    for argument in extra_args:
        name, colon, rest = argument.partition(":")
        if colon and name in found:
            found[name].append(rest)
            continue
        problem = (
            f"{argument!r} after -- is for {name!r}, which is not one of the "
            f"processes being started ({listing})"
            if colon and NAME_PATTERN.fullmatch(name)
            else f"{argument!r} after -- does not say which of the processes "
            f"({listing}) it is for"
        )
        raise ConfigurationError(
            f"{problem}. With several processes, put the process's name before "
            f"each argument: {names[0]}:--workers=8",
            returncode=2,
        )
    return found


@dataclass
class Selection:
    """The selected entries, checked: what each runs, what stops the others, and
    what to warn of."""

    names: list[object]
    context: LaunchContext
    report: Report
    entries: dict[object, Selected] = field(default_factory=dict)
    broken: dict[object, str] = field(default_factory=dict)
    #: Each process's arguments after ``--``.
    extra_args: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The error that stops a launch or a dry run, raised once warnings are out.
    failure: ConfigurationError | None = None

    def in_launch_order(self) -> list[Selected]:
        return launch_order(list(self.entries.values()))


def select(request: Request, console: Console) -> Selection:
    """Select, check and resolve. Errors stop it, except for ``--list`` and
    ``--export``, which describe every entry: a broken one with its error."""
    processes = configured_processes()
    names = select_names(processes, request)
    # manage.py has set Django up; the console script does when an entry needs it.
    registry.prepare(processes[name] for name in names)
    selection = registry.with_registry(
        lambda: check_and_resolve(processes, names, request)
    )
    for text in selection.warnings:
        console.warn(text)
    if selection.failure is not None:
        raise selection.failure
    describing = request.list_processes or request.export or request.dry_run
    if not (describing or request.probe):
        require_installed(selection.report)
    return selection


def check_and_resolve(
    processes: Mapping[Any, object], names: list[object], request: Request
) -> Selection:
    """The checks and plans of the selected entries. What to warn of is kept for
    the caller to print: this runs once more if it turns out to need Django's
    app registry before it is loaded (see :mod:`~django_prodserver.config.registry`)."""
    context = LaunchContext.current(request.pythonpath)
    extra_args = args_by_name([str(name) for name in names], request.extra_args)
    # A probe runs every few seconds: what resolving needs, nothing more.
    deep = not (request.skip_checks or request.probe)
    report = check_entries(processes, names, context, deep=deep)
    apply_scale(report, request.scale)
    selection = Selection(names, context, report, extra_args=extra_args)
    silenced = silenced_checks()
    # An export of every entry leaves a broken one out; of named ones, it fails.
    describing = request.list_processes or bool(request.export and not request.names)
    if not describing:
        raise_errors(report, silenced)
        check_kind(report, request)
    launching = not (describing or request.dry_run or request.probe)
    for message in report.messages:
        # A missing program stops a launch with its own error: warn of it once.
        if message.id in silenced or (
            launching and message.id == check_ids.NOT_INSTALLED
        ):
            continue
        selection.warnings.append(format_message(message))
    for entry in report.entries:
        errors = entry.errors(silenced)
        if errors or entry.backend is None:
            selection.broken[entry.name] = format_message(errors[0])
            continue
        try:
            own_args = extra_args[str(entry.name)]
            plans = resolve(entry.backend, context, own_args)
        except ConfigurationError as exc:
            if not describing:
                selection.failure = exc
                break
            selection.broken[entry.name] = str(exc)
            selection.warnings.append(str(exc))
            continue
        selection.entries[entry.name] = Selected(entry.backend, plans)
    return selection


def check_kind(report: Report, request: Request) -> None:
    """``manage.py server`` runs web servers only, ``worker`` workers only."""
    if request.kind is None:
        return
    kind, backend_class = request.kind
    for entry in report.entries:
        if entry.backend is None or isinstance(entry.backend, backend_class):
            continue
        other = "worker" if kind == "server" else "server"
        raise ConfigurationError(
            f"BACKEND {entry.backend.config.backend!r} of {entry.name!r} is not a "
            f"{kind} backend: run `manage.py prodserver {entry.name}` (or `manage.py "
            f"{other} {entry.name}`)"
        )


def require_installed(report: Report) -> None:
    """Fail with the install hint of the first entry whose program is missing."""
    for entry in report.entries:
        if entry.backend is not None and not entry.backend.is_installed():
            raise ConfigurationError(entry.backend.install_hint())
