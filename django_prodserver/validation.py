"""Validation of ``PRODUCTION_PROCESSES``: the messages behind our system checks.

Both ``manage.py check`` (through :mod:`django_prodserver.checks`) and the
``prodserver`` command (before it resolves anything) use these functions, so an
entry that passes one passes the other. Each function returns Django check
messages with ``prodserver.*`` ids; :func:`load_entry` also hands back the entry
as a :class:`ProcessConfig` with its backend class when the entry is usable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from .backends.base import ProcessBackend, ProcessConfig
from .options import ArgsError, translate_one

SETTING = "PRODUCTION_PROCESSES"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
ENTRY_KEYS = frozenset({"BACKEND", "APP", "ARGS", "ENV"})
EXAMPLE_BACKEND = "django_prodserver.backends.gunicorn.GunicornServer"


def error(check_id: str, message: str, hint: str) -> Error:
    return Error(message, hint=hint, obj=SETTING, id=check_id)


def warning(check_id: str, message: str, hint: str) -> Warning:
    return Warning(message, hint=hint, obj=SETTING, id=check_id)


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
            f"{SETTING} has a process named {name!r}; a name must be a plain word",
            "Use letters, digits, '_' and '-' only, e.g. 'web' or 'priority_worker'.",
        )
    ]


def import_backend(
    label: str, path: object
) -> tuple[type[ProcessBackend] | None, list[CheckMessage]]:
    if not isinstance(path, str) or not path:
        return None, [
            error(
                "prodserver.E004",
                f"{label}['BACKEND'] must be a dotted import path, not {path!r}",
                f'Use a path such as "{EXAMPLE_BACKEND}".',
            )
        ]
    try:
        backend = import_string(path)
    except ImportError as exc:
        return None, [
            error(
                "prodserver.E004",
                f"{label}: cannot import BACKEND {path!r} ({exc})",
                "Check the path; the backends are listed in the configuration docs.",
            )
        ]
    if not (isinstance(backend, type) and issubclass(backend, ProcessBackend)):
        return None, [
            error(
                "prodserver.E005",
                f"{label}: BACKEND {path!r} is not a prodserver backend class",
                "Point BACKEND at a subclass of "
                "django_prodserver.backends.base.ProcessBackend.",
            )
        ]
    return backend, []


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
    if isinstance(env, Mapping) and all(
        isinstance(k, str) and k and "=" not in k and isinstance(v, str)
        for k, v in env.items()
    ):
        return []
    return [
        error(
            "prodserver.E010",
            f"{label}['ENV'] must be a dict of variable names to strings",
            'Write "ENV": {"REMAP_SIGTERM": "SIGQUIT"}; quote numbers as strings.',
        )
    ]


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
            else f"{label}['APP'] must be an import path string, not {app!r}",
            'Add "APP": "myproject.celery.app" (module path, then the attribute).',
        )
    ]


def check_entry_keys(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    unknown = [k for k in entry if k not in ENTRY_KEYS]
    return [
        warning(
            "prodserver.W005",
            f"{label} has an unknown key {key!r}; it is ignored",
            f"An entry takes {', '.join(sorted(ENTRY_KEYS))}.",
        )
        for key in unknown
    ]


def load_entry(name: object, entry: object, deep: bool = True) -> LoadedEntry:
    """Check one entry; when it has no error, also return its config and backend.

    ``deep=False`` skips the backend's own checks (installed package, unknown
    options…), for ``--skip-checks``: what is left is what resolving needs.
    """
    found = LoadedEntry(check_name(name))
    label = f"{SETTING}[{name!r}]"
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
    config = ProcessConfig(str(name), entry["BACKEND"], app, args, env)
    if deep:
        found.messages += backend.check_config(config)
    if not found.errors:
        found.config, found.backend = config, backend
    return found


def check_processes(
    processes: object, names: Iterable[str] | None = None
) -> list[CheckMessage]:
    """Every message for the setting, or for the named entries only."""
    messages = check_setting(processes)
    if messages or not isinstance(processes, Mapping):
        return messages
    wanted = processes if names is None else {n: processes[n] for n in names}
    for name, entry in wanted.items():
        messages += load_entry(name, entry).messages
    return messages
