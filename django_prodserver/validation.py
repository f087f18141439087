"""Validation of ``PRODUCTION_PROCESSES``: the messages behind our system checks.

Both ``manage.py check`` (through :mod:`django_prodserver.checks`) and the
``prodserver`` command use :func:`inspect_processes`, which checks the entries
and resolves each good one once, so an entry that passes one passes the other.
Each function returns Django check messages with ``prodserver.*`` ids and never
raises, whatever the setting holds:
a bad value, a backend that cannot be imported, or a backend whose own code
fails all become messages. :func:`load_entry` also hands back the entry as a
:class:`ProcessConfig` with its backend class when the entry is usable.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from .addresses import Address, addresses_overlap
from .backends.base import (
    APP_HINT,
    ProcessBackend,
    ProcessConfig,
    WebServerBackend,
)
from .exceptions import ConfigurationError, brief
from .options import ArgsError, translate_one
from .plan import Plan
from .resolver import BACKEND_FAILED, backend_errors, build_backend, plans_of

SETTING = "PRODUCTION_PROCESSES"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
ENTRY_KEYS = frozenset({"BACKEND", "APP", "ARGS", "ENV"})
EXAMPLE_BACKEND = "django_prodserver.backends.gunicorn.GunicornServer"


def error(check_id: str, message: str, hint: str) -> Error:
    return Error(message, hint=hint, obj=SETTING, id=check_id)


def warning(check_id: str, message: str, hint: str) -> Warning:
    return Warning(message, hint=hint, obj=SETTING, id=check_id)


class RaisedError(Error):
    """An error that was raised while resolving: keeps the exception, so that the
    command's ``--traceback`` can show where a backend failed."""

    def __init__(self, exc: ConfigurationError) -> None:
        super().__init__(
            exc.message, hint=exc.hint, obj=SETTING, id=exc.check_id or BACKEND_FAILED
        )
        self.exception = exc


def message_of(exc: ConfigurationError) -> CheckMessage:
    """A configuration error raised while resolving, as a check message."""
    return RaisedError(exc)


@dataclass
class LoadedEntry:
    """What checking one entry found: its messages and, if usable, its parts."""

    messages: list[CheckMessage] = field(default_factory=list)
    config: ProcessConfig | None = None
    backend: type[ProcessBackend] | None = None

    @property
    def errors(self) -> list[CheckMessage]:
        return [m for m in self.messages if m.is_serious()]


def check_setting(processes: object) -> list[CheckMessage]:
    if isinstance(processes, Mapping):
        return []
    return [
        error(
            "prodserver.E001",
            f"{SETTING} must be a dict of process names to entries, "
            f"not {type(processes).__name__}",
            f'Write {SETTING} = {{"web": {{"BACKEND": "{EXAMPLE_BACKEND}"}}}}.',
        )
    ]


def check_name(name: object) -> list[CheckMessage]:
    if isinstance(name, str) and NAME_PATTERN.match(name):
        return []
    return [
        error(
            "prodserver.E002",
            f"{SETTING} has a process named {brief(name)}; a name must be a plain word",
            "Use letters, digits, '_' and '-' only, e.g. 'web' or 'priority_worker'.",
        )
    ]


def import_backend(
    label: str, path: object
) -> tuple[type[ProcessBackend] | None, list[CheckMessage]]:
    """The backend class that ``BACKEND`` names, or the E004/E005 error."""
    if not isinstance(path, str) or not path:
        hint = f'Use a path such as "{EXAMPLE_BACKEND}".'
        if isinstance(path, type):
            hint = f'Write the class as its import path: "{dotted_name(path)}".'
        return None, [
            error(
                "prodserver.E004",
                f"{label}['BACKEND'] must be a dotted import path string, "
                f"not {brief(path)}",
                hint,
            )
        ]
    try:
        backend = import_string(path)
    except Exception as exc:  # importing user code may raise anything
        reason = str(exc)
        if not isinstance(exc, ImportError):
            reason = f"{type(exc).__name__}: {reason}"
        return None, [
            error(
                "prodserver.E004",
                f"Cannot import BACKEND {path!r} of {label}: {reason}",
                suggest_backend(path)
                or "Check the path; prodserver's backends are listed in the "
                "backend reference.",
            )
        ]
    problem = backend_class_problem(backend)
    if problem:
        return None, [
            error(
                "prodserver.E005",
                f"{label}: BACKEND {path!r} {problem}",
                "Point BACKEND at a subclass of "
                "django_prodserver.backends.base.ProcessBackend that defines "
                "build_argv().",
            )
        ]
    return backend, []


def dotted_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def backend_class_problem(backend: object) -> str:
    """Why ``backend`` cannot be a backend, or "" if it can."""
    if not isinstance(backend, type):
        return f"is a {type(backend).__name__}, not a backend class"
    if not issubclass(backend, ProcessBackend):
        return f"is the class {dotted_name(backend)}, not a prodserver backend"
    overrides = (
        backend.build_argv is not ProcessBackend.build_argv
        or backend.commands is not ProcessBackend.commands
    )
    if not overrides:
        return "does not define build_argv(): it is a base class to subclass"
    return ""


def suggest_backend(path: str) -> str:
    """ "Did you mean" a backend class of the same module, when the module imports."""
    module_path, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_path)
    except Exception:  # the module itself is the problem: nothing to suggest
        return ""
    classes = [
        name
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, ProcessBackend)
        and not backend_class_problem(value)
    ]
    import difflib  # only for a misspelt BACKEND: not on every launch

    close = difflib.get_close_matches(attr, classes, n=1)
    return f"Did you mean '{module_path}.{close[0]}'?" if close else ""


def check_args(
    label: str, backend: type[ProcessBackend], args: object
) -> list[CheckMessage]:
    if not isinstance(args, Mapping):
        return [
            error(
                "prodserver.E006",
                f"{label}['ARGS'] must be a dict of option names to values, "
                f"not {type(args).__name__}",
                'Write "ARGS": {"bind": "0.0.0.0:8000", "workers": 4}.',
            )
        ]
    messages: list[CheckMessage] = []
    for key, value in args.items():
        try:
            translate_one(backend.option_rules, key, value)
        except ArgsError as exc:
            messages.append(error(exc.check_id, f"{label}: {exc.message}", exc.hint))
    return messages


def check_env(label: str, env: object) -> list[CheckMessage]:
    hint = 'Write "ENV": {"REMAP_SIGTERM": "SIGQUIT"}; quote numbers as strings.'
    if not isinstance(env, Mapping):
        return [
            error(
                "prodserver.E010",
                f"{label}['ENV'] must be a dict of variable names to strings, "
                f"not {type(env).__name__}",
                hint,
            )
        ]
    messages: list[CheckMessage] = []
    for key, value in env.items():
        if not (isinstance(key, str) and key and not {"=", "\0"} & set(key)):
            problem = f"{label}['ENV'] has {brief(key)}, which is not a variable name"
        elif not isinstance(value, str):
            problem = f"{label}['ENV'][{key!r}] must be a string, not {brief(value)}"
        elif "\0" in value:
            problem = f"{label}['ENV'][{key!r}] contains a NUL character"
        else:
            continue
        messages.append(error("prodserver.E010", problem, hint))
    return messages


def check_app(
    label: str, backend: type[ProcessBackend], app: object
) -> list[CheckMessage]:
    if app is None and not backend.requires_app:
        return []
    if isinstance(app, str) and app:
        return []
    return [
        error(
            "prodserver.E009",
            f"{label} needs APP, the import path of the application instance"
            if app is None
            else f"{label}['APP'] must be an import path string, not {brief(app)}",
            APP_HINT,
        )
    ]


def check_entry_keys(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for key in entry:
        if isinstance(key, str) and key in ENTRY_KEYS:
            continue
        upper = key.upper() if isinstance(key, str) else None
        hint = (
            f"Did you mean {upper!r}? Entry keys are upper case."
            if upper in ENTRY_KEYS
            else f"An entry takes {', '.join(sorted(ENTRY_KEYS))}."
        )
        messages.append(
            warning(
                "prodserver.W005",
                f"{label} has an unknown key {brief(key)}; it is ignored",
                hint,
            )
        )
    return messages


def backend_checks(
    config: ProcessConfig, backend: type[ProcessBackend]
) -> list[CheckMessage]:
    """The backend's own ``check_config``; its failure is a message too."""
    try:
        with backend_errors(config, "checking the entry"):
            messages = backend.check_config(config)
            if not isinstance(messages, list) or not all(
                isinstance(m, CheckMessage) for m in messages
            ):
                raise TypeError("check_config() must return a list of check messages")
    except ConfigurationError as exc:
        return [message_of(exc)]
    return messages


def load_entry(name: object, entry: object, deep: bool = True) -> LoadedEntry:
    """Check one entry; when it is well formed, also return its config and backend.

    ``deep=False`` skips the backend's own checks (installed package, unknown
    options…), for ``--skip-checks``: what is left is what resolving needs. The
    config is returned even when the backend's own checks find an error (e.g. a
    missing app), which ``SILENCED_SYSTEM_CHECKS`` may silence.
    """
    found = LoadedEntry(check_name(name))
    label = f"{SETTING}[{brief(name)}]"
    if not isinstance(entry, Mapping):
        found.messages.append(
            error(
                "prodserver.E002",
                f"{label} must be a dict with a BACKEND key, "
                f"not {type(entry).__name__}",
                f'Write {label} = {{"BACKEND": "{EXAMPLE_BACKEND}"}}.',
            )
        )
        return found
    found.messages += check_entry_keys(label, entry)
    if "BACKEND" not in entry:
        found.messages.append(
            error(
                "prodserver.E003",
                f"{label} has no BACKEND",
                f'Add "BACKEND": "{EXAMPLE_BACKEND}" or another backend path.',
            )
        )
        return found
    backend, problems = import_backend(label, entry["BACKEND"])
    found.messages += problems
    if backend is None:
        return found
    args, env, app = entry.get("ARGS", {}), entry.get("ENV", {}), entry.get("APP")
    found.messages += check_args(label, backend, args)
    found.messages += check_env(label, env)
    found.messages += check_app(label, backend, app)
    if found.errors:
        return found
    found.config = ProcessConfig(str(name), entry["BACKEND"], app, args, env)
    found.backend = backend
    if deep:
        found.messages += backend_checks(found.config, backend)
    return found


@dataclass
class Inspection:
    """What checking entries found: the messages, the plans of every entry that
    could be resolved, and the entries that could not."""

    messages: list[CheckMessage] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    unresolved: list[object] = field(default_factory=list)


def listen_addresses(config: ProcessConfig, backend: ProcessBackend) -> list[Address]:
    """Where a web server entry listens (see ``WebServerBackend.listen_addresses``)."""
    if not isinstance(backend, WebServerBackend):
        return []
    with backend_errors(config, "finding its address"):
        found = list(backend.listen_addresses())
    return [
        address
        for address in found
        if isinstance(address, tuple)
        and len(address) == 2
        and isinstance(address[0], str)
        and isinstance(address[1], int)
    ]


def check_listeners(
    listeners: Sequence[tuple[str, Sequence[Address]]],
) -> list[CheckMessage]:
    """prodserver.W003: a web process on the address and port of an earlier one."""
    messages: list[CheckMessage] = []
    for index, (label, addresses) in enumerate(listeners):
        for earlier, taken in listeners[:index]:
            clash = next(
                (
                    (mine, theirs)
                    for mine in addresses
                    for theirs in taken
                    if addresses_overlap(mine, theirs)
                ),
                None,
            )
            if clash is None:
                continue
            messages.append(
                warning(
                    "prodserver.W003",
                    f"{label} listens on {show_address(clash[0])}, and {earlier} "
                    f"on {show_address(clash[1])}: only one of them can bind it",
                    "Give each web process its own port in ARGS, e.g. "
                    '"bind": "0.0.0.0:8001" or "port": 8001 (0.0.0.0 takes the '
                    "port on every address).",
                )
            )
    return messages


def show_address(address: Address) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def inspect_processes(
    processes: object,
    names: Iterable[object] | None = None,
    *,
    deep: bool = True,
    extra_args: Sequence[str] = (),
    pythonpath: Sequence[str] = (),
    silenced: Collection[str] = (),
) -> Inspection:
    """Check the setting, or the named entries only, and resolve each entry that
    has no error (but those in ``silenced``) once, as the command runs it.

    ``deep`` adds the backends' own checks and the comparison of web servers'
    addresses (prodserver.W003); without it, only what resolving needs is checked.
    """
    found = Inspection(check_setting(processes))
    if found.messages or not isinstance(processes, Mapping):
        return found
    listeners: list[tuple[str, list[Address]]] = []
    for name in processes if names is None else names:
        loaded = load_entry(name, processes[name], deep)
        found.messages += loaded.messages
        config, backend = loaded.config, loaded.backend
        blocking = [m for m in loaded.errors if m.id not in silenced]
        if config is None or backend is None or blocking:
            found.unresolved.append(name)
            continue
        try:
            built, env = build_backend(config, backend, pythonpath)
            found.plans += plans_of(config, built, env, extra_args)
            if deep:
                listeners.append((config.label, listen_addresses(config, built)))
        except ConfigurationError as exc:
            found.messages.append(message_of(exc))
            found.unresolved.append(name)
    if deep:
        found.messages += check_listeners(listeners)
    return found


def check_processes(
    processes: object, names: Iterable[object] | None = None
) -> list[CheckMessage]:
    """Every message for the setting, or for the named entries only (the system
    check): what :func:`inspect_processes` finds, resolving included."""
    return inspect_processes(processes, names).messages
