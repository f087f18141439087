"""The setting itself and each entry's shape: a dict, plain-word names, known
keys, and no value that would break its line."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .. import check_ids
from ..config.entry import ENTRY_KEYS, EXAMPLE_BACKEND, SETTING
from ..config.messages import error, warning
from ..text import brief, closest, control_character

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: The longest process name: it becomes part of file names, systemd unit names
#: and Celery node names, and prefixes every line of output.
MAX_NAME_LENGTH = 64


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
