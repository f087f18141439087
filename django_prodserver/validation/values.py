"""What an entry hands its program: ``ARGS`` (and the ports in them), ``ENV``
and ``APP``."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import check_ids
from ..backends.base import APP_HINT, ProcessBackend, WebServerBackend, as_list
from ..config.addresses import bad_port
from ..config.messages import error, warning
from ..config.options import group_values, word_groups
from ..text import brief, is_command_text

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

#: What an ``ENV`` key must be: a POSIX environment variable name.
ENV_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
