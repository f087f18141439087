"""Checks of ``PRODUCTION_PROCESSES``: the messages behind our system checks.

Each entry is checked once, as Django's system checks are written: small
functions that return lists of messages with ``prodserver.*`` ids and never
raise, whatever the setting holds. A bad value, a backend that cannot be
imported, or a backend whose own code fails all become messages.

What the checks build on the way, the backend of each well-formed entry, is
handed on in a :class:`CheckedEntry`: the resolver turns it into plans without
checking anything again.
"""

from __future__ import annotations

import importlib
import re
import shlex
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import AppRegistryNotReady
from django.utils.module_loading import import_string

from .. import check_ids
from ..backends.base import (
    APP_HINT,
    ProcessBackend,
    WebServerBackend,
    as_list,
    is_abstract,
)
from ..backends.deprecated import replacement
from ..backends.failures import backend_errors
from ..config.addresses import Address, addresses_overlap, bad_port
from ..config.entry import (
    ENTRY_KEYS,
    EXAMPLE_BACKEND,
    LIFECYCLE_KEYS,
    SETTING,
    UNSET,
    ProcessConfig,
    Unset,
)
from ..config.environment import LaunchContext
from ..config.messages import are_messages, error, warning
from ..config.options import group_values, word_groups
from ..config.stopping import RESTART_POLICIES
from ..exceptions import ConfigurationError
from ..text import (
    MAX_SECONDS,
    brief,
    closest,
    control_character,
    cut,
    did_you_mean,
    is_command_text,
    is_seconds,
)

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: The longest process name: it becomes part of file names, systemd unit names
#: and Celery node names, and prefixes every line of output.
MAX_NAME_LENGTH = 64
#: What an ``ENV`` key must be: a POSIX environment variable name.
ENV_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class CheckedEntry:
    """What checking one entry found: its messages and, when its keys are well
    formed, its backend (built for this launch)."""

    name: object
    messages: list[CheckMessage] = field(default_factory=list)
    backend: ProcessBackend | None = None
    #: The exception behind a backend failure the checks found, for ``--traceback``.
    failure: ConfigurationError | None = None

    def errors(self, silenced: Collection[str] = ()) -> list[CheckMessage]:
        """The errors that stop this entry, less the ``silenced`` ids."""
        return [m for m in self.messages if m.is_serious() and m.id not in silenced]

    def add_failure(self, exc: ConfigurationError) -> None:
        self.messages.append(
            error(exc.check_id or check_ids.BACKEND_FAILED, exc.message, exc.hint)
        )
        self.failure = self.failure or exc


@dataclass
class Report:
    """Every checked entry, and the messages about several of them (W003)."""

    entries: list[CheckedEntry]
    shared: list[CheckMessage] = field(default_factory=list)

    @property
    def messages(self) -> list[CheckMessage]:
        return [m for entry in self.entries for m in entry.messages] + self.shared


def read_setting(processes: object) -> tuple[dict[Any, object], list[CheckMessage]]:
    """``PRODUCTION_PROCESSES`` as a plain dict, read once; or E001 when it is not
    a dict, or a mapping of the user's own that fails to be read."""
    hint = f'Write {SETTING} = {{"web": {{"BACKEND": "{EXAMPLE_BACKEND}"}}}}.'
    if not isinstance(processes, Mapping):
        kind = type(processes).__name__
        problem = f"must be a dict of process names to entries, not {kind}"
    else:
        try:
            return dict(processes.items()), []
        except Exception as exc:
            problem = f"cannot be read ({type(exc).__name__}: {brief(str(exc))})"
    return {}, [error(check_ids.SETTING_NOT_A_DICT, f"{SETTING} {problem}", hint)]


def check_name(name: object) -> list[CheckMessage]:
    hint = "Use letters, digits, '_' and '-' only, e.g. 'web' or 'priority_worker'."
    if not (isinstance(name, str) and NAME_PATTERN.fullmatch(name)):
        problem = "a name must be a plain word"
    elif len(name) > MAX_NAME_LENGTH:
        problem = f"a name has at most {MAX_NAME_LENGTH} characters"
        hint = "Use a shorter name."
    else:
        return []
    return [
        error(
            check_ids.BAD_ENTRY,
            f"{SETTING} has a process named {brief(name)}; {problem}",
            hint,
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
        message = f"{label}['BACKEND'] must be a dotted import path string, not "
        return None, [
            error(check_ids.BACKEND_NOT_IMPORTABLE, message + brief(path), hint)
        ]
    try:
        backend = import_string(path)
    except SystemExit as exc:  # the module's code ended the process: its failure
        return None, [
            error(
                check_ids.BACKEND_FAILED,
                f"{label}: BACKEND {brief(path)} failed while being imported "
                f"(SystemExit: {exc})",
                "Fix the backend's module: importing it must not exit.",
            )
        ]
    except Exception as exc:  # importing user code may raise anything
        reason = str(exc)
        if not isinstance(exc, ImportError):
            reason = f"{type(exc).__name__}: {reason}"
        return None, [
            error(
                check_ids.BACKEND_NOT_IMPORTABLE,
                f"Cannot import BACKEND {brief(path)} of {label}: {cut(reason)}",
                suggest_backend(path)
                or "Check the path; prodserver's backends are listed in the "
                "backend reference.",
            )
        ]
    problem = backend_class_problem(backend)
    if problem:
        return None, [
            error(
                check_ids.NOT_A_BACKEND,
                f"{label}: BACKEND {brief(path)} {problem}",
                "Point BACKEND at a subclass of "
                "django_prodserver.backends.ProcessBackend that names its program.",
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
    if is_abstract(backend) and hasattr(backend, "start_server"):
        return (
            "is written for django-prodserver 3.0, which ran the program inside "
            "Django's process (start_server()); it must now build the program's "
            "command line (see 'Upgrading from 3.0' in the documentation)"
        )
    if is_abstract(backend):
        return (
            "names no program and does not define build_argv(): it is a base "
            "class to subclass"
        )
    return ""


def suggest_backend(path: str) -> str:
    """ "Did you mean" a backend class of the same module, when the module imports."""
    module_path, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_path)
    except (Exception, SystemExit):  # the module is the problem: nothing to suggest
        return ""
    classes = [
        name
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, ProcessBackend)
        and not backend_class_problem(value)
    ]
    match = closest(attr, classes)
    return f"Did you mean '{module_path}.{match}'?" if match else ""


def check_args_type(label: str, args: object) -> list[CheckMessage]:
    if isinstance(args, Mapping):
        return []
    return [
        error(
            check_ids.ARGS_NOT_A_DICT,
            f"{label}['ARGS'] must be a dict of option names to values, "
            f"not {type(args).__name__}",
            'Write "ARGS": {"bind": "0.0.0.0:8000", "workers": 4}.',
        )
    ]


def split_args(
    label: str, backend: type[ProcessBackend], args: str
) -> tuple[tuple[str, ...], list[CheckMessage]]:
    """``ARGS`` given as a string, as django-prodserver 3.0 took them: split like
    a shell would, with a warning that shows the dict to write instead."""
    try:
        words = tuple(shlex.split(args))
    except ValueError as exc:
        return (), [
            error(
                check_ids.ARGS_NOT_A_DICT,
                f"{label}['ARGS'] is a string that cannot be split ({exc})",
                'Write "ARGS" as a dict: {"bind": "0.0.0.0:8000", "workers": 4}.',
            )
        ]
    values = group_values(word_groups(backend.option_rules, words))
    return words, [
        warning(
            check_ids.ARGS_AS_STRING,
            f"{label}['ARGS'] is a string; it is split like a shell would and "
            "used as the program's options",
            f'Write it as a dict: "ARGS": {values!r}.',
        )
    ]


def check_args(backend: ProcessBackend) -> list[CheckMessage]:
    """E007/E008 for each ARGS item that cannot become an option."""
    label = backend.config.label
    return [
        error(exc.check_id, f"{label}: {exc.message}", exc.hint)
        for exc in backend.translated[1]
    ]


def check_env(label: str, env: object) -> list[CheckMessage]:
    hint = 'Write "ENV": {"REMAP_SIGTERM": "SIGQUIT"}; quote numbers as strings.'
    if not isinstance(env, Mapping):
        return [
            error(
                check_ids.BAD_ENV,
                f"{label}['ENV'] must be a dict of variable names to strings, "
                f"not {type(env).__name__}",
                hint,
            )
        ]
    messages: list[CheckMessage] = []
    for key, value in env.items():
        if not (isinstance(key, str) and ENV_NAME_PATTERN.fullmatch(key)):
            problem = (
                f"{label}['ENV'] has {brief(key)}, which is not a variable name "
                "(letters, digits and '_', not starting with a digit)"
            )
        elif not isinstance(value, str):
            problem = f"{label}['ENV'][{key!r}] must be a string, not {brief(value)}"
        elif not is_command_text(value):
            problem = (
                f"{label}['ENV'][{key!r}] contains a NUL character or a lone "
                "surrogate, which no environment can hold"
            )
        else:
            continue
        messages.append(error(check_ids.BAD_ENV, problem, hint))
    return messages


def check_app(
    label: str, backend: type[ProcessBackend], app: object
) -> list[CheckMessage]:
    if app is None and not backend.requires_app:
        return []
    if app is None:
        problem = f"{label} needs APP, the import path of the application instance"
    elif not isinstance(app, str):
        problem = f"{label}['APP'] must be an import path string, not {brief(app)}"
    elif not app or any(char.isspace() for char in app) or app.startswith("-"):
        # The program would read a blank as nothing, a space as two words, a
        # dash as one of its options.
        problem = (
            f"{label}['APP'] is {brief(app)}; an import path is not blank, has "
            "no spaces and does not start with '-'"
        )
    else:
        return []
    return [error(check_ids.BAD_APP, problem, APP_HINT)]


#: The keys whose strings reach a command line, an environment or a printed line.
TEXT_KEYS = ("APP", "ARGS", "ENV", "WAIT_FOR", "BEFORE")
#: The keys whose own checks refuse a NUL character.
NUL_CHECKED = frozenset({"ARGS", "ENV", "BEFORE"})


def strings_in(value: object, path: str, depth: int = 3) -> Iterator[tuple[str, str]]:
    """Every string of a value (the keys of a dict too), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif depth and isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{path}[{index}]", depth - 1)
    elif depth and isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings_in(key, f"{path} key", depth - 1)
            yield from strings_in(item, f"{path}[{brief(key)}]", depth - 1)


def check_control_characters(
    label: str, entry: Mapping[Any, Any]
) -> list[CheckMessage]:
    """prodserver.E027: a value that would break its line, once per key."""
    messages: list[CheckMessage] = []
    for key in TEXT_KEYS:
        if key not in entry:
            continue
        for path, text in strings_in(entry[key], f"{label}[{key!r}]"):
            char = control_character(text)
            if char == "\0" and key in NUL_CHECKED:
                continue  # their own checks say it (E008, E010, E016)
            if char is not None:
                messages.append(
                    error(
                        check_ids.CONTROL_CHARACTER,
                        f"{path} holds the character {char!r}, which would "
                        "break its line",
                        "Remove it: no program reads a line break or another "
                        "control character from its command line.",
                    )
                )
                break
    return messages


def bind_port(word: str) -> str | None:
    """The port of a ``HOST:PORT`` word, None for a socket or a bare host."""
    if word.startswith(("unix:", "fd://")):
        return None
    word = word.removeprefix("tcp://")
    if word.startswith("["):
        rest = word.partition("]")[2]
        return rest[1:] if rest.startswith(":") else None
    return word.rpartition(":")[2] if word.count(":") == 1 else None


def check_ports(backend: ProcessBackend) -> list[CheckMessage]:
    """prodserver.E008: a web server's configured port that is no port."""
    if not isinstance(backend, WebServerBackend):
        return []
    values = backend.configured_values()
    found: list[tuple[str, str]] = []
    if backend.port_option and backend.port_option in values:
        ports = as_list(values[backend.port_option])
        # Other types are the ARGS checks' (prodserver.E008 already).
        found += [
            (backend.port_option, str(port))
            for port in ports
            if isinstance(port, (str, int)) and not isinstance(port, bool)
        ]
    if backend.bind_option and backend.bind_option in values:
        for value in as_list(values[backend.bind_option]):
            bound = (bind_port(word) for word in str(value).split())
            found += [(backend.bind_option, port) for port in bound if port is not None]
    return [
        error(
            check_ids.BAD_OPTION_VALUE,
            f"{backend.config.label}['ARGS'][{name!r}] has the port {brief(port)}; "
            "a port is a number from 1 to 65535 in ASCII digits",
            "Write the port as digits, e.g. 8000.",
        )
        for name, port in [(n, p) for n, p in found if bad_port(p)][:1]
    ]


def valid_stop_timeout(value: object) -> bool:
    return value is None or is_seconds(value)


def check_stop_timeout(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    if "STOP_TIMEOUT" not in entry or valid_stop_timeout(entry["STOP_TIMEOUT"]):
        return []
    return [
        error(
            check_ids.BAD_STOP_TIMEOUT,
            f"{label}['STOP_TIMEOUT'] must be a number of seconds above 0 and up "
            f"to a year ({MAX_SECONDS}), or None for no limit, not "
            f"{brief(entry['STOP_TIMEOUT'])}",
            'Write "STOP_TIMEOUT": 60, or leave the key out for the backend\'s '
            "default.",
        )
    ]


def check_restart(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    value = entry.get("RESTART", "no")
    if value in RESTART_POLICIES and isinstance(value, str):
        return []
    choices = ", ".join(repr(policy) for policy in RESTART_POLICIES)
    fallback = 'Write "RESTART": "on-failure" to start it again when it fails.'
    hint = (
        did_you_mean(value.strip().lower(), RESTART_POLICIES, fallback)
        if isinstance(value, str)
        else fallback
    )
    return [
        error(
            check_ids.BAD_RESTART,
            f"{label}['RESTART'] must be one of {choices}, not {brief(value)}",
            hint,
        )
    ]


def valid_replicas(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def check_replicas(
    label: str, entry: Mapping[Any, Any], single_instance: bool
) -> list[CheckMessage]:
    """``REPLICAS``: a whole number of at least 1, and 1 for a process that
    must never run twice."""
    value = entry.get("REPLICAS", 1)
    if not valid_replicas(value):
        problem = f"must be a whole number of at least 1, not {brief(value)}"
        hint = 'Write "REPLICAS": 3, or leave the key out for 1.'
    elif single_instance and value != 1:
        problem = f"must be 1: the process must never run twice, not {value}"
        hint = "Leave the key out: the exports run one copy of it."
    else:
        return []
    return [error(check_ids.BAD_REPLICAS, f"{label}['REPLICAS'] {problem}", hint)]


def entry_stop_and_restart(
    entry: Mapping[Any, Any],
) -> tuple[float | Unset | None, str]:
    """``STOP_TIMEOUT`` in seconds (UNSET when absent) and ``RESTART``; the
    defaults where they are malformed (the checks report those)."""
    value = entry.get("STOP_TIMEOUT", UNSET)
    if value is UNSET or not valid_stop_timeout(value):
        stop_timeout: float | Unset | None = UNSET
    else:
        stop_timeout = None if value is None else float(value)
    restart = entry.get("RESTART", "no")
    return stop_timeout, restart if restart in RESTART_POLICIES else "no"


def check_entry_keys(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    """An unknown key is an error when it is close to one an entry takes (a
    misspelling that would drop, say, every option), else a warning."""
    messages: list[CheckMessage] = []
    for key in entry:
        if isinstance(key, str) and key in ENTRY_KEYS:
            continue
        meant = closest(key.upper(), ENTRY_KEYS) if isinstance(key, str) else None
        if meant is None:
            messages.append(
                warning(
                    check_ids.UNKNOWN_ENTRY_KEY,
                    f"{label} has an unknown key {brief(key)}; it is ignored",
                    f"An entry takes {', '.join(sorted(ENTRY_KEYS))}.",
                )
            )
            continue
        messages.append(
            error(
                check_ids.MISSPELT_ENTRY_KEY,
                f"{label} has an unknown key {brief(key)}, which would be ignored",
                f"Did you mean {meant!r}? Entry keys are upper case.",
            )
        )
    return messages


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
    entry.messages += check_entry_keys(label, raw)
    broken_lines = check_control_characters(label, raw)
    if broken_lines:  # the other checks would only describe the same values again
        entry.messages += broken_lines
        return entry
    if "BACKEND" not in raw:
        entry.messages.append(
            error(
                check_ids.NO_BACKEND,
                f"{label} has no BACKEND",
                f'Add "BACKEND": "{EXAMPLE_BACKEND}" or another backend path.',
            )
        )
        return entry
    backend_class, problems = import_backend(label, raw["BACKEND"])
    entry.messages += problems
    if backend_class is None:
        return entry
    new_path = replacement(raw["BACKEND"])
    if new_path:
        entry.messages.append(
            warning(
                check_ids.DEPRECATED_BACKEND_PATH,
                f"{label}['BACKEND'] {raw['BACKEND']!r} is a path of "
                "django-prodserver 3.0; it runs the same backend",
                f'Write "BACKEND": "{new_path}".',
            )
        )
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
    stop_timeout, restart = entry_stop_and_restart(raw)
    if isinstance(args, Mapping):
        # Built before ENV and APP are checked, so that ARGS are checked too;
        # kept only if the entry's keys are all well formed.
        config = ProcessConfig(
            str(name),
            raw["BACKEND"],
            app if isinstance(app, str) else None,
            args,
            env if isinstance(env, Mapping) else {},
            words,
            stop_timeout=stop_timeout,
            restart=restart,
            replicas=raw["REPLICAS"] if valid_replicas(raw.get("REPLICAS")) else 1,
            **lifecycle,
        )
        backend = build_backend(entry, config, backend_class, context)
    if backend is not None:
        entry.messages += check_args(backend)
        entry.messages += check_ports(backend)
        if backend.config.wait_for:
            from ..before.checks import check_wait_targets

            entry.messages += check_wait_targets(backend)
    entry.messages += check_env(label, env)
    entry.messages += check_app(label, backend_class, app)
    entry.messages += check_stop_timeout(label, raw)
    entry.messages += check_restart(label, raw)
    entry.messages += check_replicas(label, raw, backend_class.single_instance)
    if entry.errors():
        return entry
    entry.backend = backend
    if deep and backend is not None:
        check_backend(entry)
    return entry


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


def listen_addresses(entry: CheckedEntry) -> list[Address]:
    """Where a web server entry listens (see ``WebServerBackend.listen_addresses``)."""
    backend = entry.backend
    if not isinstance(backend, WebServerBackend) or entry.errors():
        return []
    try:
        with backend_errors(backend.config, "finding its address"):
            found = list(backend.listen_addresses())
    except ConfigurationError as exc:
        entry.add_failure(exc)
        return []
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
                    check_ids.SAME_ADDRESS,
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
