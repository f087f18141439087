"""The prodserver command line: its options, and what it does with them.

``manage.py prodserver`` parses these options and calls :func:`run`. The path
is one way: read the setting, select the processes, check them
(:mod:`~django_prodserver.validation`), resolve them into plans
(:mod:`~django_prodserver.resolver`), then print, export, exec or supervise.
Every problem on the way is a :class:`ConfigurationError`; the command turns it
into ``CommandError`` at its edge.
"""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage

from . import check_ids
from .backends.base import ProcessBackend
from .entry import EXAMPLE_BACKEND, SETTING
from .environment import LaunchContext
from .exceptions import ConfigurationError
from .export import FORMATS as EXPORT_FORMATS
from .plan import Plan
from .resolver import resolve
from .text import did_you_mean
from .validation import Report, check_entries, read_setting


def non_negative_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):  # also rejects nan
        raise ArgumentTypeError(f"expected a number of seconds, not {text!r}")
    return seconds


def add_arguments(parser: ArgumentParser) -> None:
    """The options of ``prodserver`` (Django's own are added by Django)."""
    parser.add_argument("names", nargs="*", metavar="NAME", help="Processes to run.")
    parser.add_argument(
        "--dry-run", action="store_true", help="Print the command, run nothing."
    )
    parser.add_argument(
        "--format",
        choices=("shell", "json"),
        default="shell",
        help="Dry-run output: a shell line or a JSON object per process.",
    )
    parser.add_argument(
        "--list", action="store_true", help="List every process and its command."
    )
    parser.add_argument(
        "--spawn",
        action="store_true",
        help="Run the program as a child with signal forwarding instead of exec.",
    )
    parser.add_argument("--all", action="store_true", help="Run every process.")
    parser.add_argument(
        "--stop-timeout",
        type=non_negative_seconds,
        default=None,
        metavar="SECONDS",
        help=(
            "How long a stop may take before what is left is killed "
            "(default: 10 with several processes, none with one)."
        ),
    )
    parser.add_argument(
        "--skip-checks", action="store_true", help="Skip prodserver's own checks."
    )
    parser.add_argument(
        "--export",
        choices=EXPORT_FORMATS,
        help="Print a Procfile, systemd units or a compose services block "
        "that start the named processes (all of them without a name).",
    )


def show_extra_args_in_usage(parser: ArgumentParser) -> None:
    """argparse's own usage line, with the arguments after ``--`` that it
    never sees (the command takes them out before parsing)."""
    usage = parser.format_usage().strip().removeprefix("usage: ")
    parser.usage = f"{usage} [-- PROGRAM_ARGS ...]".replace("%", "%%")


def split_extra_args(argv: list[str], start: int) -> tuple[list[str], list[str]]:
    """``argv`` before the first ``--`` at or after ``start``, and what follows it."""
    if "--" in argv[start:]:
        split = argv.index("--", start)
        return argv[:split], argv[split + 1 :]
    return argv, []


@dataclass(frozen=True)
class Request:
    """What the user asked for on the command line."""

    names: Sequence[str] = ()
    run_all: bool = False
    dry_run: bool = False
    output_format: str = "shell"
    list_processes: bool = False
    export: str | None = None
    spawn: bool = False
    stop_timeout: float | None = None
    #: Prefix colours: ``--force-color`` (True), ``--no-color`` (False), or None.
    colour: bool | None = None
    skip_checks: bool = False
    extra_args: Sequence[str] = ()
    pythonpath: Sequence[str] = ()
    #: The command's options as parsed, for the exported command lines.
    options: Mapping[str, Any] = field(default_factory=dict)
    #: django-prodserver 3.0's commands: the kind of backend they run (e.g.
    #: "server" and WebServerBackend), and without a name, the first entry.
    kind: tuple[str, type[ProcessBackend]] | None = None

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], extra_args: Sequence[str] = ()
    ) -> Request:
        export = options.get("export")
        names = list(options.get("names") or ())
        return cls(
            names=names,
            run_all=bool(
                options.get("all") or options.get("list") or (export and not names)
            ),
            dry_run=bool(options.get("dry_run")),
            output_format=options.get("format") or "shell",
            list_processes=bool(options.get("list")),
            export=export,
            spawn=bool(options.get("spawn")),
            stop_timeout=options.get("stop_timeout"),
            colour=colour_option(options),
            skip_checks=bool(options.get("skip_checks")),
            extra_args=list(options.get("extra_args") or extra_args),
            pythonpath=[options["pythonpath"]] if options.get("pythonpath") else [],
            options=dict(options),
        )


def colour_option(options: Mapping[str, Any]) -> bool | None:
    if options.get("no_color"):
        return False
    return True if options.get("force_color") else None


@dataclass(frozen=True)
class Console:
    """Where the command prints: its output, warnings, and what the launcher
    does before the programs start (waits, steps)."""

    write: Callable[[str], None]
    warn: Callable[[str], None]
    note: Callable[[str], None] | None = None


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


@dataclass
class Selection:
    """The selected entries, checked: what each runs, and what stops the others."""

    names: list[object]
    context: LaunchContext
    entries: dict[object, Selected] = field(default_factory=dict)
    broken: dict[object, str] = field(default_factory=dict)

    def in_launch_order(self) -> list[Selected]:
        return launch_order(list(self.entries.values()))


def select(request: Request, console: Console) -> Selection:
    """Select, check and resolve. Errors stop it, except for ``--list`` and
    ``--export``, which describe every entry: a broken one with its error."""
    processes = configured_processes()
    context = LaunchContext.current(request.pythonpath)
    selection = Selection(select_names(processes, request), context)
    report = check_entries(
        processes, selection.names, context, deep=not request.skip_checks
    )
    silenced = silenced_checks()
    describing = request.list_processes or bool(request.export)
    if not describing:
        raise_errors(report, silenced)
        check_kind(report, request)
    launching = not (describing or request.dry_run)
    for message in report.messages:
        # A missing program stops a launch with its own error: warn of it once.
        if message.id in silenced or (
            launching and message.id == check_ids.NOT_INSTALLED
        ):
            continue
        console.warn(format_message(message))
    for entry in report.entries:
        errors = entry.errors(silenced)
        if errors or entry.backend is None:
            selection.broken[entry.name] = format_message(errors[0])
            continue
        try:
            plans = resolve(entry.backend, context, request.extra_args)
        except ConfigurationError as exc:
            if not describing:
                raise
            selection.broken[entry.name] = str(exc)
            console.warn(str(exc))
            continue
        selection.entries[entry.name] = Selected(entry.backend, plans)
    if launching:
        require_installed(report)
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


def run(request: Request, console: Console) -> None:
    """Do what ``request`` asks for. Raises :class:`ConfigurationError`."""
    selection = select(request, console)
    if request.export:
        print_export(request, selection, console)
    elif request.list_processes:
        print_list(selection, console)
    elif request.dry_run:
        print_dry_run(selection.in_launch_order(), request.output_format, console)
    else:
        launch(selection.in_launch_order(), request, console)


def print_export(request: Request, selection: Selection, console: Console) -> None:
    from .export import render
    from .export.deployment import deployment  # only here: launches do without

    names = [str(name) for name in selection.names if name in selection.entries]
    oneshot = [name for name in names if selection.entries[name].backend.oneshot]
    for name, problem in selection.broken.items():
        console.write(f"# {name} is left out: {one_line(problem)}")
    if names:
        deploy = deployment(names, request.options, request.extra_args, oneshot)
        console.write(render(request.export or "", deploy).rstrip("\n"))


def lifecycle_lines(each: Selected) -> list[str]:
    """What the launcher does for the entry first, a phrase a line."""
    if not each.prepared:
        return []
    from . import lifecycle

    return lifecycle.describe(each.backend)


def print_dry_run(
    selected: list[Selected], output_format: str, console: Console
) -> None:
    """Each entry's plans in launch order, after what the launcher does first
    (shell: comment lines; JSON: more keys, and an object with an empty argv
    for an entry without a program)."""
    for each in selected:
        if output_format == "shell":
            for line in lifecycle_lines(each):
                console.write(f"# {each.backend.name}: {line}")
            for plan in each.plans:
                console.write(plan.shell_line())
            continue
        config = each.backend.config
        objects = [plan.as_dict() for plan in each.plans] or [
            {
                "name": config.name,
                "backend": config.backend,
                "argv": [],
                "env": {},
                "cwd": os.getcwd(),
            }
        ]
        extra: dict[str, object] = {}
        if each.prepared:
            from . import lifecycle

            extra = lifecycle.as_json(each.backend)
        for data in objects:
            console.write(json.dumps({**data, **extra}))


def print_list(selection: Selection, console: Console) -> None:
    """Each process by the name that runs it, its backend, then what the
    launcher does first and its command lines, with the variables that set it
    apart (those every process gets are left out). In launch order."""
    names = [
        *(each.backend.config.name for each in selection.in_launch_order()),
        *selection.broken,
    ]
    width = max(len(str(name)) for name in names)
    common = selection.context.variables
    for name in names:
        label = f"{name!s:<{width}}"
        if name in selection.broken:
            console.write(f"{label}  {one_line(selection.broken[name])}")
            continue
        each = selection.entries[name]
        count = f"  ({len(each.plans)} processes)" if len(each.plans) > 1 else ""
        console.write(f"{label}  {each.backend.config.backend}{count}")
        for line in lifecycle_lines(each):
            console.write(f"{'':<{width}}  {line}")
        for plan in each.plans:
            own = {k: v for k, v in plan.env.items() if common.get(k) != v}
            console.write(f"{'':<{width}}  {plan.shell_line(own)}")


def one_line(text: str) -> str:
    return " ".join(text.split())


def launch(selected: list[Selected], request: Request, console: Console) -> None:
    """Run what comes first (release entries, waits, steps), then exec the one
    program or the supervisor of several. Returns only by raising, or when
    there is no program to start (release entries only)."""
    if os.name != "posix":
        raise ConfigurationError("prodserver runs programs on POSIX systems only")
    if any(each.prepared for each in selected):
        from .lifecycle import run_before_programs

        note = console.note or console.warn
        run_before_programs([(each.backend, each.plans) for each in selected], note)
    plans = [p for each in selected if not each.backend.oneshot for p in each.plans]
    if not plans:
        return
    from . import executor

    exec_one = len(plans) == 1 and plans[0].can_exec and not request.spawn
    what = plans[0].argv[0] if exec_one else "the supervisor"
    try:
        if exec_one:
            executor.exec_plan(plans[0])
        else:
            executor.exec_supervisor(plans, request.stop_timeout, request.colour)
    except OSError as exc:
        raise ConfigurationError(f"cannot start {what}: {exc}") from exc
