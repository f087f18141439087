"""Checks of ``PRODUCTION_PROCESSES``: the messages behind our system checks.

Each entry is checked once, as Django's system checks are written: small
functions that return lists of messages with ``prodserver.*`` ids and never
raise, whatever the setting holds. A bad value, a backend that cannot be
imported, or a backend whose own code fails all become messages.

What the checks build on the way, the backend of each well-formed entry, is
handed on in a :class:`CheckedEntry`: the resolver turns it into plans without
checking anything again.

This module checks an entry from end to end; each rule lives in a module of
its own (``setting``, ``backend_class``, ``values``, ``running``,
``listeners``), and the names other stages use are importable from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import AppRegistryNotReady

from .. import check_ids
from ..backends.base import ProcessBackend
from ..backends.failures import backend_errors
from ..config.entry import (
    EXAMPLE_BACKEND,
    LIFECYCLE_KEYS,
    SETTING,
    ProcessConfig,
)
from ..config.environment import LaunchContext
from ..config.messages import are_messages, error
from ..exceptions import ConfigurationError
from ..text import brief
from .backend_class import check_deprecated_path, import_backend
from .checked import CheckedEntry, Report
from .deployment_keys import (
    check_probe,
    check_resources,
    probe_path_of,
    resources_of,
)
from .listeners import check_listeners, listen_addresses
from .running import (
    check_replicas,
    check_restart,
    check_stop_timeout,
    entry_stop_and_restart,
    valid_replicas,
)
from .setting import (
    MAX_NAME_LENGTH,
    NAME_PATTERN,
    check_control_characters,
    check_entry_keys,
    check_name,
    read_setting,
)
from .values import (
    check_app,
    check_args,
    check_args_type,
    check_env,
    check_ports,
    split_args,
)

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

#: The names other stages import from here.
__all__ = [
    "MAX_NAME_LENGTH",
    "NAME_PATTERN",
    "CheckedEntry",
    "Report",
    "check_entries",
    "check_entry",
    "check_name",
    "read_entry",
    "read_setting",
]


def check_backend(entry: CheckedEntry) -> None:
    """The backend's own ``check_config``; its failure is a message too."""
    backend = entry.backend
    assert backend is not None
    try:
        with backend_errors(backend.config, "checking the entry"):
            messages = backend.check_config()
            if not are_messages(messages):
                raise TypeError("check_config() must return a list of check messages")
    except ConfigurationError as exc:
        entry.add_failure(exc)
        return
    entry.messages += messages


def build_backend(
    entry: CheckedEntry,
    config: ProcessConfig,
    backend_class: type[ProcessBackend],
    context: LaunchContext,
) -> ProcessBackend | None:
    """The entry's backend, seeing the environment its program will see."""
    environ = {**context.environ, **context.variables, **config.env}
    try:
        with backend_errors(config, "starting"):
            return backend_class(config, environ, context.project_key)
    except ConfigurationError as exc:
        entry.add_failure(exc)
        return None


def check_entry(
    name: object, raw: object, context: LaunchContext, deep: bool = True
) -> CheckedEntry:
    """Check one entry; when its keys are well formed, build its backend.

    ``deep=False`` skips the backend's own checks (installed package, unknown
    options…), for ``--skip-checks``: what is left is what resolving needs.
    The backend is built even when its own checks find an error (a missing
    app, say), which ``SILENCED_SYSTEM_CHECKS`` may silence.
    """
    entry = CheckedEntry(name, check_name(name))
    label = f"{SETTING}[{brief(name)}]"
    if not isinstance(raw, Mapping):
        entry.messages.append(
            error(
                check_ids.BAD_ENTRY,
                f"{label} must be a dict with a BACKEND key, not {type(raw).__name__}",
                f'Write {label} = {{"BACKEND": "{EXAMPLE_BACKEND}"}}.',
            )
        )
        return entry
    backend_class = check_backend_key(entry, label, raw)
    if backend_class is None:
        return entry
    backend = check_keys(entry, raw, backend_class, context, deep)
    if entry.errors():
        return entry
    entry.backend = backend
    if deep and backend is not None:
        check_backend(entry)
    return entry


def check_backend_key(
    entry: CheckedEntry, label: str, raw: Mapping[Any, Any]
) -> type[ProcessBackend] | None:
    """The entry's keys, its lines, and the backend class its ``BACKEND`` names
    (None when one of them is wrong: the other keys are not checked then)."""
    entry.messages += check_entry_keys(label, raw)
    broken_lines = check_control_characters(label, raw)
    if broken_lines:  # the other checks would only describe the same values again
        entry.messages += broken_lines
        return None
    if "BACKEND" not in raw:
        entry.messages.append(
            error(
                check_ids.NO_BACKEND,
                f"{label} has no BACKEND",
                f'Add "BACKEND": "{EXAMPLE_BACKEND}" or another backend path.',
            )
        )
        return None
    backend_class, problems = import_backend(label, raw["BACKEND"])
    entry.messages += problems
    if backend_class is not None:
        entry.messages += check_deprecated_path(label, raw["BACKEND"])
    return backend_class


def check_keys(
    entry: CheckedEntry,
    raw: Mapping[Any, Any],
    backend_class: type[ProcessBackend],
    context: LaunchContext,
    deep: bool,
) -> ProcessBackend | None:
    """Every other key of an entry whose backend class imports; the backend,
    built when ``ARGS`` is a dict (kept only if no key is wrong)."""
    label = f"{SETTING}[{brief(entry.name)}]"
    args, env, app = raw.get("ARGS", {}), raw.get("ENV", {}), raw.get("APP")
    words: tuple[str, ...] = ()
    if isinstance(args, str):
        words, problems = split_args(label, backend_class, args)
        entry.messages += problems
        args = {}
    entry.messages += check_args_type(label, args)
    lifecycle: dict[str, Any] = {}
    if raw.keys() & LIFECYCLE_KEYS:  # their checks load only when needed
        from ..before.checks import check_lifecycle

        lifecycle, problems = check_lifecycle(label, raw, deep)
        entry.messages += problems
    backend = None
    if isinstance(args, Mapping):
        # Built before ENV and APP are checked, so that ARGS are checked too;
        # kept only if the entry's keys are all well formed.
        config = entry_config(entry.name, raw, args, words, lifecycle)
        backend = build_backend(entry, config, backend_class, context)
    if backend is not None:
        entry.messages += check_built(backend)
    entry.messages += check_env(label, env)
    entry.messages += check_app(label, backend_class, app)
    entry.messages += check_stop_timeout(label, raw)
    entry.messages += check_restart(label, raw)
    runs_once = backend_class.single_instance or backend_class.oneshot
    entry.messages += check_replicas(label, raw, runs_once)
    entry.messages += check_probe(label, raw) + check_resources(label, raw)
    return backend


def entry_config(
    name: object,
    raw: Mapping[Any, Any],
    args: Mapping[Any, Any],
    words: tuple[str, ...],
    lifecycle: Mapping[str, Any],
) -> ProcessConfig:
    """The typed form of an entry: its malformed values replaced by the
    defaults (their checks report them), so that the backend can be built."""
    env, app = raw.get("ENV", {}), raw.get("APP")
    stop_timeout, restart = entry_stop_and_restart(raw)
    return ProcessConfig(
        str(name),
        raw["BACKEND"],
        app if isinstance(app, str) else None,
        args,
        env if isinstance(env, Mapping) else {},
        words,
        stop_timeout=stop_timeout,
        restart=restart,
        replicas=raw["REPLICAS"] if valid_replicas(raw.get("REPLICAS")) else 1,
        probe_path=probe_path_of(raw),
        resources=resources_of(raw),
        **lifecycle,
    )


def check_built(backend: ProcessBackend) -> list[CheckMessage]:
    """What only the built backend can tell: its options, ports and targets."""
    messages = check_args(backend) + check_ports(backend)
    if backend.config.wait_for:
        from ..before.checks import check_wait_targets

        messages += check_wait_targets(backend)
    return messages


def read_entry(
    name: object, processes: Mapping[Any, object], context: LaunchContext, deep: bool
) -> CheckedEntry:
    """:func:`check_entry`, for an entry that may be a mapping of the user's own
    whose methods raise: that is a message too, never a traceback."""
    try:
        return check_entry(name, processes[name], context, deep)
    except AppRegistryNotReady:
        raise  # the launch sets Django up and checks again (see registry)
    except Exception as exc:
        entry = CheckedEntry(name)
        entry.add_failure(
            ConfigurationError(
                f"{SETTING}[{brief(name)}] cannot be read "
                f"({type(exc).__name__}: {brief(str(exc))})",
                "Write the entry as a plain dict.",
                check_ids.BACKEND_FAILED,
            )
        )
        return entry


def check_entries(
    processes: Mapping[Any, object],
    names: Iterable[object] | None = None,
    context: LaunchContext | None = None,
    *,
    deep: bool = True,
) -> Report:
    """Check the named entries (all without names) of a ``PRODUCTION_PROCESSES``
    that is a dict. ``deep`` adds the backends' own checks and the comparison of
    web servers' addresses (prodserver.W003)."""
    context = context or LaunchContext.current()
    selected = processes if names is None else names
    report = Report([read_entry(n, processes, context, deep) for n in selected])
    if deep:
        listeners = [
            (entry.backend.config.label, listen_addresses(entry))
            for entry in report.entries
            if entry.backend is not None
        ]
        report.shared = check_listeners(listeners)
    return report
