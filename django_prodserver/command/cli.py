"""The prodserver command line: its options, and what it does with them.

``manage.py prodserver`` and the ``prodserver`` console script
(:mod:`~django_prodserver.command.console`) parse these options and call
:func:`run`. The path is one way: read the setting, select the processes, check them
(:mod:`~django_prodserver.validation.entries`), resolve them into plans
(:mod:`~django_prodserver.launch.resolver`), then print, export, exec or supervise.
Every problem on the way is a :class:`ConfigurationError`; the management
command turns it into ``CommandError`` at its edge, the console script into the
same line on standard error.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import re
import stat
import sys
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from .. import check_ids
from ..backends.base import ProcessBackend
from ..config import registry
from ..config.entry import EXAMPLE_BACKEND, SETTING
from ..config.environment import LaunchContext
from ..config.messages import shown
from ..config.project_settings import settings
from ..config.stopping import is_stop_budget
from ..exceptions import ConfigurationError
from ..export import FORMATS as EXPORT_FORMATS
from ..launch.plan import Plan
from ..launch.resolver import resolve
from ..text import MAX_SECONDS, brief, control_character, cut, did_you_mean
from ..validation.entries import (
    MAX_NAME_LENGTH,
    NAME_PATTERN,
    Report,
    check_entries,
    read_setting,
)

#: What ``--probe-path`` takes.
URL_PATH = re.compile(r"/[!-~]*")

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

    from ..export.deployment import Process


#: The exit status of a command whose reader went away (128 + SIGPIPE).
BROKEN_PIPE = 141


def stop_budget_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not is_stop_budget(seconds):  # also rejects nan
        raise ArgumentTypeError(
            f"expected a number of seconds up to a year ({MAX_SECONDS}), above 0, "
            f"not {brief(text)}"
        )
    return seconds


def url_path(text: str) -> str:
    """A path an HTTP request can carry as it is: ``/``, then printable ASCII."""
    if not URL_PATH.fullmatch(text):
        raise ArgumentTypeError(
            f"expected a URL path such as /healthz/ (percent-encoded), not {text!r}"
        )
    return text


def add_arguments(parser: ArgumentParser) -> None:
    """The options of ``prodserver`` (Django's own are added by Django)."""
    parser.add_argument("names", nargs="*", metavar="NAME", help="Processes to run.")
    parser.add_argument(
        "--dry-run", action="store_true", help="Print the command, run nothing."
    )
    parser.add_argument(
        "--format",
        choices=("shell", "json"),
        default=None,
        help="Dry-run output: a shell line (the default) or a JSON object per process.",
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
        type=stop_budget_seconds,
        default=None,
        metavar="SECONDS",
        help=(
            "How long a stop may take before what is left is killed, for every "
            "process (default: each process's STOP_TIMEOUT, else its backend's)."
        ),
    )
    parser.add_argument(
        "--skip-checks", action="store_true", help="Skip prodserver's own checks."
    )
    parser.add_argument(
        "--export",
        choices=EXPORT_FORMATS,
        help="Print the deployment files (a Procfile, systemd units, a compose "
        "file, a swarm stack file, Kubernetes objects or supervisord programs) "
        "that start the named processes (all of them without a name).",
    )
    export = parser.add_argument_group("export options")
    export.add_argument(
        "--image",
        help="The container image of every process (compose, stack, kubernetes).",
    )
    export.add_argument(
        "--dockerfile",
        metavar="PATH",
        help="The Dockerfile that builds the image (compose, without --image).",
    )
    export.add_argument(
        "--build-context",
        metavar="DIR",
        help="The directory the image is built from (compose; default: .).",
    )
    export.add_argument(
        "--env-file",
        metavar="PATH",
        help="A file of environment variables every process reads "
        "(compose, stack, systemd; kubernetes: a Secret).",
    )
    export.add_argument(
        "--output",
        metavar="PATH",
        help="Write the file there, whole or not at all (a temporary file, then "
        "a rename), instead of printing it.",
    )
    export.add_argument(
        "--name-prefix",
        metavar="PREFIX",
        help="The prefix of unit, program and object names "
        "(default: the project's name and '-').",
    )
    parser.add_argument(
        "--probe",
        action="store_true",
        help="Check that the named process is healthy: exit 0, or 1 with the reason.",
    )
    parser.add_argument(
        "--probe-path",
        type=url_path,
        default=None,
        metavar="PATH",
        help="The path a web server's probe asks for (default: /).",
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


def stop_on_broken_pipe() -> NoReturn:
    """The reader of the output went away (``--dry-run | head -1``): stop
    quietly, as a POSIX tool does, and let nothing write to the closed pipe
    again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(BROKEN_PIPE)


CLOSED_OUTPUT = "standard output is closed: prodserver writes its output there"


def output_start() -> int | None:
    """Where the output begins when standard output is a regular file (``>
    file``), so that a write that fails can be undone; None otherwise."""
    try:
        fd = sys.stdout.fileno()
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return None
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND:
            return status.st_size
        return os.lseek(fd, 0, os.SEEK_CUR)
    except (AttributeError, ValueError, OSError):  # not a file (a test's StringIO)
        return None


#: The options whose command only prints (it starts nothing).
PRINTING = ("dry_run", "list", "export", "probe")


def hold_output(options: Mapping[str, Any]) -> io.StringIO | None:
    """Where a command that only prints writes when its output is a file:
    written out at the end, whole or not at all (:func:`write_held`). Python's
    buffered file loses a write that fills the disk without an error; a
    descriptor written to directly reports it."""
    if not any(options.get(name) for name in PRINTING) or output_start() is None:
        return None
    return io.StringIO()


def write_held(held: io.StringIO | None) -> None:
    """Write what :func:`hold_output` held to standard output's descriptor."""
    if held is None:
        return
    sys.stdout.flush()
    encoding = sys.stdout.encoding or "utf-8"
    data = memoryview(held.getvalue().encode(encoding, sys.stdout.errors or "strict"))
    fd = sys.stdout.fileno()
    while data:
        data = data[os.write(fd, data) :]  # a full disk raises on the next write


#: How writing to standard output fails: no space (a full disk, ``/dev/full``),
#: over a quota or a file size limit, an I/O error, a descriptor that is closed.
OUTPUT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}
)


def is_output_error(exc: OSError) -> bool:
    """Whether an error is the output's (a file the run opened has a name)."""
    return exc.filename is None and exc.errno in OUTPUT_ERRNOS


def output_failed(exc: OSError, start: int | None) -> NoReturn:
    """Writing the output failed (a full disk, ``/dev/full``): take back what
    was written of it to a file, let nothing write there again, and say so."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    if start is not None:
        with contextlib.suppress(OSError):
            os.ftruncate(sys.stdout.fileno(), start)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(devnull, sys.stdout.fileno())
    reason = exc.strerror or type(exc).__name__
    raise ConfigurationError(
        f"cannot write the output ({reason}); nothing of it was kept"
        if start is not None
        else f"cannot write the output ({reason})"
    ) from exc


@dataclass(frozen=True)
class Request:
    """What the user asked for on the command line."""

    names: Sequence[str] = ()
    run_all: bool = False
    dry_run: bool = False
    output_format: str = "shell"
    list_processes: bool = False
    export: str | None = None
    probe: bool = False
    probe_path: str = "/"
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
            probe=bool(options.get("probe")),
            probe_path=options.get("probe_path") or "/",
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

    def stop_timeouts(self) -> dict[str, float | None]:
        """Each process's stop budget (for an entry of several programs, the
        longest of theirs)."""
        return {str(name): longest(each.plans) for name, each in self.entries.items()}


def longest(plans: Sequence[Plan]) -> float | None:
    """The longest stop budget of ``plans`` (None, no limit, beats any number)."""
    budgets = [plan.stop_timeout for plan in plans]
    numbers = [budget for budget in budgets if budget is not None]
    return max(numbers) if numbers and len(numbers) == len(budgets) else None


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


#: What each option that only applies to one action needs (any of these).
NEEDS = {
    "format": ("dry_run",),
    "probe_path": ("probe", "export"),
    "image": ("export",),
    "dockerfile": ("export",),
    "build_context": ("export",),
    "env_file": ("export",),
    "name_prefix": ("export",),
    "output": ("export",),
}
#: The actions, of which a command line takes one.
ACTIONS = {"dry_run": "--dry-run", "list": "--list", "export": "--export",
           "probe": "--probe"}  # fmt: skip


def option_flag(name: str) -> str:
    return ACTIONS.get(name) or f"--{name.replace('_', '-')}"


def refuse_conflicts(options: Mapping[str, Any]) -> None:
    """Options that contradict each other, or that nothing would read, are a
    usage error (exit status 2) rather than silently ignored."""
    actions = [name for name in ACTIONS if options.get(name)]
    if len(actions) > 1:
        given = " and ".join(option_flag(name) for name in actions)
        raise ConfigurationError(
            f"{given} can't be used together: give one of "
            f"{', '.join(ACTIONS.values())}",
            returncode=2,
        )
    for name, needed in NEEDS.items():
        if options.get(name) is not None and not any(options.get(n) for n in needed):
            wanted = " or ".join(option_flag(n) for n in needed)
            raise ConfigurationError(
                f"{option_flag(name)} goes with {wanted} only", returncode=2
            )
    for argument in [*(options.get("names") or ()), *options.get("extra_args", ())]:
        char = control_character(str(argument))
        if char is not None:
            raise ConfigurationError(
                f"The argument {brief(argument)} holds the character {char!r}, "
                "which would break its line",
                "Remove it: no program reads a line break or another control "
                "character from its command line.",
                check_ids.CONTROL_CHARACTER,
                returncode=2,
            )
    if options.get("all") and options.get("names"):
        raise ConfigurationError(
            "--all runs every process: name processes or use --all, not both",
            returncode=2,
        )


def run(request: Request, console: Console) -> None:
    """Do what ``request`` asks for. Raises :class:`ConfigurationError`."""
    refuse_conflicts({**request.options, "extra_args": request.extra_args})
    selection = select(request, console)
    if request.probe:
        probe(request, selection, console)
    elif request.export:
        print_export(request, selection, console)
    elif request.list_processes:
        print_list(selection, console)
    elif request.dry_run:
        print_dry_run(selection.in_launch_order(), request.output_format, console)
    else:
        launch(selection, request, console)


def print_export(request: Request, selection: Selection, console: Console) -> None:
    """The deployment files of the selected processes. An entry that fails its
    checks is left out with a comment, unless it was named: then it is an error."""
    from ..export import render  # only here: launches do without
    from ..export.deployment import deployment

    processes = []
    for name in selection.names:
        if name in selection.entries:
            found = exported(request, selection, name)
            if isinstance(found, str):
                selection.broken[name] = found
            else:
                processes.append(found)
    named = [name for name in request.names if name in selection.broken]
    if named:
        raise ConfigurationError(
            "\n".join(one_line(selection.broken[name]) for name in named)
        )
    for name, problem in selection.broken.items():
        # A comment of the file: the name quoted, so that it cannot end the line.
        console.write(f"# {brief(name)} is left out: {one_line(problem)}")
    if not processes:
        return
    text = render(request.export or "", deployment(processes, request.options))
    output = request.options.get("output")
    if output:
        from ..export.files import write_atomically

        write_atomically(str(output), text.rstrip("\n") + "\n")
    else:
        console.write(text.rstrip("\n"))


def exported(request: Request, selection: Selection, name: object) -> Process | str:
    """What the export learns of one entry from its backend, or why it cannot
    (the backend's code is the user's: whatever it raises is one line)."""
    from ..backends.failures import backend_errors
    from ..export.processes import exported_process

    each = selection.entries[name]
    refuse_secrets(each.backend.config.label, selection.extra_args[str(name)])
    try:
        with backend_errors(each.backend.config, "describing it for the export"):
            return exported_process(
                each.backend,
                each.plans,
                request.options,
                selection.extra_args[str(name)],
            )
    except ConfigurationError as exc:
        return str(exc)


def refuse_secrets(label: str, extra_args: Sequence[str]) -> None:
    """prodserver.E025: an argument after ``--`` that carries a secret, which an
    export would write into a file for all to read."""
    from ..redaction import redact_argv

    if redact_argv(extra_args) != list(extra_args):
        raise ConfigurationError(
            f"{label}: an argument after -- carries a secret, which the export "
            "would write into the file",
            "Pass secrets through the environment: --env-file, or the "
            "platform's secrets.",
            check_ids.EXPORT_REFUSED,
        )


def probe(request: Request, selection: Selection, console: Console) -> None:
    """Check the one selected process: write why it is healthy, or raise
    why it is not (exit status 1)."""
    if len(selection.names) != 1:
        raise ConfigurationError("--probe checks one process: name it", returncode=2)
    name = selection.names[0]
    backend, plans = selection.entries[name].backend, selection.entries[name].plans
    from ..backends.failures import backend_probe

    found = backend_probe(backend, selection.extra_args[str(name)], request.probe_path)
    if found is None:
        console.write(
            f"{name}: {type(backend).__name__} has no health check; "
            "a running process is all there is to check"
        )
        return
    from ..backends.probes import check

    env = plans[0].env if plans else {}
    healthy, reason = check(found, env)
    if not healthy:
        raise ConfigurationError(f"{name} is not healthy: {reason}")
    console.write(f"{name} is healthy: {reason}")


def lifecycle_lines(each: Selected) -> list[str]:
    """What the launcher does for the entry first, a phrase a line."""
    if not each.prepared:
        return []
    from ..launch import lifecycle

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
                console.write(comment(each.backend.name, line))
            for plan in each.plans:
                console.write(plan.shell_line())
            continue
        import json  # the JSON form only: a launch does without

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
            from ..launch import lifecycle

            extra = lifecycle.as_json(each.backend)
        for data in objects:
            console.write(json.dumps({**data, **extra}))


def comment(name: str, text: str) -> str:
    """A shell comment of one line about process ``name``, whatever ``text``
    holds: no character ends it, no password shows, and it splits into words
    as a shell reads them (with an unbalanced quote, each word that is not a
    word of its own is quoted)."""
    import shlex

    text = shown(text)
    try:
        shlex.split(text)
    except ValueError:
        text = " ".join(map(quoted_word, text.split(" ")))
    return f"# {name}: {text}"


def quoted_word(word: str) -> str:
    """``word`` as it is if a shell reads it as itself, else quoted."""
    import shlex

    try:
        same = shlex.split(word) == [word]
    except ValueError:
        same = False
    return word if same else shlex.quote(word)


def print_list(selection: Selection, console: Console) -> None:
    """Each process by the name that runs it, its backend, then what the
    launcher does first and its command lines, with the variables that set it
    apart (those every process gets are left out). In launch order."""
    names = [
        *(each.backend.config.name for each in selection.in_launch_order()),
        *selection.broken,
    ]
    # A broken entry's name may be anything: on one line, and cut to size.
    labels = {name: shown(cut(str(name), MAX_NAME_LENGTH)) for name in names}
    width = max(map(len, labels.values()))
    common = selection.context.variables
    for name in names:
        label = f"{labels[name]:<{width}}"
        if name in selection.broken:
            console.write(f"{label}  {one_line(selection.broken[name])}")
            continue
        each = selection.entries[name]
        count = f"  ({len(each.plans)} processes)" if len(each.plans) > 1 else ""
        console.write(f"{label}  {each.backend.config.backend}{count}")
        for line in lifecycle_lines(each):
            console.write(f"{'':<{width}}  {shown(line)}")
        for plan in each.plans:
            own = {k: v for k, v in plan.env.items() if common.get(k) != v}
            console.write(f"{'':<{width}}  {plan.shell_line(own)}")


def one_line(text: str) -> str:
    return " ".join(text.split())


def launch(selection: Selection, request: Request, console: Console) -> None:
    """Run what comes first (release entries, waits, steps), then exec the one
    program or the supervisor of several. Returns only by raising, or when
    there is no program to start (release entries only).

    The supervisor runs even one program when it is the first process of its
    PID namespace (a container without an init) and the program does not reap
    orphans: process 1 adopts every orphan of the container and must reap it,
    which most programs never do (gunicorn and uWSGI do, and replace prodserver
    there as anywhere else).
    """
    if os.name != "posix":
        raise ConfigurationError("prodserver runs programs on POSIX systems only")
    selected = selection.in_launch_order()
    if any(each.prepared for each in selected):
        from ..launch.lifecycle import run_before_programs

        note = console.note or console.warn
        run_before_programs([(each.backend, each.plans) for each in selected], note)
    plans = [p for each in selected if not each.backend.oneshot for p in each.plans]
    if not plans:
        return
    from ..launch import executor

    exec_one = (
        len(plans) == 1
        and plans[0].can_exec
        and not request.spawn
        and (os.getpid() != 1 or plans[0].reaps_orphans)
    )
    what = plans[0].argv[0] if exec_one else "the supervisor"
    environ = selection.context.environ
    try:
        if exec_one:
            executor.exec_plan(plans[0], environ)
        else:
            executor.exec_supervisor(
                plans, request.stop_timeout, environ, request.colour
            )
    except OSError as exc:
        raise ConfigurationError(f"cannot start {what}: {exc}") from exc
