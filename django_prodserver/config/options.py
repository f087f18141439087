"""Translate a process's ``ARGS`` mapping into command-line arguments.

The rules are the same for every backend; what differs per program is described
by an :class:`OptionRules` value: which options are bare flags, which have a
``--no-x`` form, which take one comma-joined value instead of repeating, which
ARGS keys are aliases of a program option, and which become positional arguments.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import check_ids
from ..exceptions import ConfigurationError
from ..text import brief, is_command_text
from .argv_options import (
    group_values,
    names_in_argv,
    option_value,
    options_in_argv,
    short_option,
    word_groups,
)
from .option_rules import ArgValue, OptionGroup, OptionRules, Scalar

#: The names backends import from here (the rules and the reading of argv live
#: in modules of their own).
__all__ = [
    "FALSE_WORDS",
    "TRUE_WORDS",
    "ArgValue",
    "ArgsError",
    "OptionGroup",
    "OptionRules",
    "Scalar",
    "build_options",
    "group_values",
    "join_options",
    "names_in_argv",
    "option_value",
    "options_in_argv",
    "positional_words",
    "positive_int",
    "short_option",
    "translate",
    "translate_all",
    "word_groups",
]


KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
NEGATIVE_NUMBER = re.compile(r"-[0-9]+(\.[0-9]+)?(e-?[0-9]+)?")
#: Options that take a value in every program that has them (a number, an
#: address): a boolean for one is a mistake, not a flag.
VALUED = frozenset(
    {"bind", "port", "host", "workers", "threads", "concurrency", "processes"}
    | {"timeout", "graceful-timeout", "queues", "queue", "log-level", "loglevel"}
)
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
#: Integers of more bits than this (about 100 digits) are refused: no program
#: takes such a number, and Python refuses to print those of over 4300 digits.
MAX_INTEGER_BITS = 332


class ArgsError(ConfigurationError):
    """An ARGS key or value that cannot become a command-line argument."""

    def __init__(self, check_id: str, key: object, message: str, hint: str) -> None:
        super().__init__(message, hint, check_id)
        self.key = key


def positive_int(value: ArgValue) -> int | None:
    """``4`` or ``"4"`` → 4; anything else, zero or less included → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value)
    else:
        return None
    return number if number >= 1 else None


def validate_key(key: object) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ArgsError(
            check_ids.BAD_OPTION_NAME,
            key,
            f"ARGS key {brief(key)} is not an option name",
            "Use the option's long name without dashes, made of letters, digits, "
            "'-' and '_', e.g. 'max-requests' or 'max_requests'.",
        )
    return key


def value_error(key: str, problem: str, hint: str) -> ArgsError:
    return ArgsError(check_ids.BAD_OPTION_VALUE, key, f"ARGS[{key!r}] {problem}", hint)


def parse_bool(rules: OptionRules, name: str, key: str, value: ArgValue) -> bool | None:
    """For a known flag, the boolean a value means; None for a non-flag option."""
    if not rules.is_flag(name):
        return None
    if value is None or isinstance(value, bool):
        return value is not False
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise value_error(
        key,
        f"is a flag, but its value is {brief(value)}",
        f"Set {key!r} to True or False.",
    )


def scalar_text(key: str, value: object) -> str:
    """One value as a word of the command line."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise value_error(
            key,
            f"has an unsupported value {brief(value)} of type {type(value).__name__}",
            "Use a string, a number, True/False/None, or a list of strings or numbers.",
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise value_error(key, f"is {value!r}, not a number", "Use a finite number.")
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        raise value_error(
            key, "is a number too large to pass on", "Use a smaller number."
        )
    if isinstance(value, str) and not is_command_text(value):
        raise value_error(
            key,
            "contains a NUL character or a lone surrogate, which no command "
            "line can hold",
            "Remove the character from the value.",
        )
    return str(value)


def refuse_dashes(key: str, texts: Sequence[str]) -> None:
    """A value written as a word of its own that starts with ``-`` would be read
    as another option (``"queues": ["--processes=99"]``); a negative number
    is read as a value."""
    for text in texts:
        if text.startswith("-") and not NEGATIVE_NUMBER.fullmatch(text):
            raise value_error(
                key,
                f"has the value {brief(text)}, which the program would read as "
                "an option",
                "Remove the leading '-'; give options as keys of ARGS.",
            )


def option_token(name: str, value: str | None) -> tuple[str, ...]:
    """``--name=value`` for long options, ``-n value`` for one-letter ones."""
    if len(name) == 1:
        return (f"-{name}",) if value is None else (f"-{name}", value)
    return (f"--{name}",) if value is None else (f"--{name}={value}",)


def value_texts(rules: OptionRules, name: str, key: str, value: ArgValue) -> list[str]:
    """The words of a value: one for a scalar, one per item for a list."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return [rules.value_text(name, scalar_text(key, item)) for item in items]


def translate_one(rules: OptionRules, key: object, value: ArgValue) -> OptionGroup:
    """Translate one ARGS item into the words of one option. Raises ArgsError."""
    name = rules.canonical(validate_key(key))
    assert isinstance(key, str)  # validate_key proved it
    if name in rules.positional:
        texts = value_texts(rules, name, key, value)
        refuse_dashes(key, texts)
        return OptionGroup(name, tuple(texts), True)
    inverted = name.startswith("no-") and name[3:] in rules.negatable
    if inverted:  # uvicorn-style {"no-access-log": True}
        name = name[3:]
    flag = parse_bool(rules, name, key, value)
    if flag is not None:
        if flag != inverted:
            return OptionGroup(name, option_token(name, None))
        if name in rules.negatable:
            return OptionGroup(name, option_token(f"no-{name}", None))
        return OptionGroup(name, ())
    if isinstance(value, bool) and name in VALUED:
        # True would leave it bare, and the program read the next word as its value.
        raise value_error(
            key,
            f"takes a value, not {value!r}",
            f"Set {key!r} to a string or a number (or leave it out).",
        )
    if value is None or value is True:
        return OptionGroup(name, option_token(name, None))
    if value is False:
        return OptionGroup(name, ())
    texts = value_texts(rules, name, key, value)
    separate = len(name) == 1 or (
        isinstance(value, (list, tuple)) and name in rules.several_values
    )
    if separate:
        refuse_dashes(key, texts)
    if isinstance(value, (list, tuple)) and name in rules.several_values:
        return OptionGroup(name, (*option_token(name, None), *texts) if texts else ())
    if isinstance(value, (list, tuple)) and name in rules.comma_joined:
        texts = [",".join(texts)] if texts else []
    return OptionGroup(
        name, tuple(t for text in texts for t in option_token(name, text))
    )


def translate(rules: OptionRules, args: Mapping[Any, ArgValue]) -> list[OptionGroup]:
    """Translate a whole ARGS mapping, in its order. Raises the first ArgsError."""
    groups, errors = translate_all(rules, args)
    if errors:
        raise errors[0]
    return groups


def translate_all(
    rules: OptionRules, args: Mapping[Any, ArgValue]
) -> tuple[list[OptionGroup], list[ArgsError]]:
    """Translate a whole ARGS mapping, in its order: the groups, and an error for
    each item that cannot be translated."""
    groups: list[OptionGroup] = []
    errors: list[ArgsError] = []
    for key, value in args.items():
        try:
            groups.append(translate_one(rules, key, value))
        except ArgsError as exc:
            errors.append(exc)
    return groups, errors


def build_options(
    rules: OptionRules,
    args: Mapping[Any, ArgValue],
    defaults: Mapping[str, ArgValue],
    extra: Sequence[str],
) -> list[str]:
    """Configured options, then the backend's defaults, then the extra arguments.

    A default is used only where ARGS do not set that option, and anything that
    the extra arguments set replaces the configured option of the same name
    (dropped, not repeated). Positional ARGS are left out (see
    :func:`positional_words`). Raises :class:`ArgsError`.
    """
    return join_options(
        rules, translate(rules, args), translate(rules, dict(defaults)), extra
    )


def join_options(
    rules: OptionRules,
    configured: Sequence[OptionGroup],
    defaults: Sequence[OptionGroup],
    extra: Sequence[str],
) -> list[str]:
    """:func:`build_options` of ARGS and defaults already translated."""
    names = {group.name for group in configured}
    groups = [*configured, *(g for g in defaults if g.name not in names)]
    overridden = rules.replaced_by(names_in_argv(rules, extra))
    kept = [
        token
        for group in groups
        if not group.positional and group.name not in overridden
        for token in group.tokens
    ]
    return [*kept, *extra]


def positional_words(rules: OptionRules, groups: Iterable[OptionGroup]) -> list[str]:
    """The words of the positional groups, in the order ``rules.positional`` gives."""
    by_name = {group.name: group.tokens for group in groups if group.positional}
    return [word for name in rules.positional for word in by_name.get(name, ())]
