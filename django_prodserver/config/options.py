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
from dataclasses import dataclass, field
from typing import Any

from .. import check_ids
from ..exceptions import ConfigurationError
from ..text import brief, is_command_text

Scalar = str | int | float | bool | None
ArgValue = Scalar | Sequence[str | int | float]

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


@dataclass(frozen=True)
class OptionRules:
    """What a backend knows about its program's options (names without ``--``).

    ``flags``: options that take no value. ``negatable``: flags that also have a
    ``--no-NAME`` form, used for ``False``. ``comma_joined``: options that take a
    single comma-separated value where a list is given. ``several_values``:
    options that take every value of a list after one flag, as words of their
    own (argparse's ``nargs="*"``: rundramatiq's ``--queues a b``, where a
    repeated ``--queues`` keeps only the last). ``aliases``: ARGS keys that
    name a program option differently. ``short``: one-letter options, mapped to
    their long name so that ``-w 8`` after ``--`` overrides ``workers``.
    ``known``: every option name, for the "did you mean" warning; empty means the
    backend does not say. A known name spelled with underscores
    (``logging_level``) is matched by ARGS keys with dashes or underscores.
    ``lowercase``: options whose values the program accepts in lower case only
    (uvicorn's ``log-level``). ``excludes``: options that the program refuses
    alongside others (waitress's ``listen`` and ``host``/``port``): setting one
    after ``--`` drops the configured others too. ``positional``: ARGS keys whose
    values become positional arguments after the options, in this order (RQ's
    ``queues``: ``["high", "low"]`` → ``high low``).
    """

    flags: frozenset[str] = frozenset()
    negatable: frozenset[str] = frozenset()
    comma_joined: frozenset[str] = frozenset()
    several_values: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = field(default_factory=dict)
    short: Mapping[str, str] = field(default_factory=dict)
    known: frozenset[str] = frozenset()
    lowercase: frozenset[str] = frozenset()
    excludes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    positional: tuple[str, ...] = ()
    #: Dashed spelling → the program's own, for names with underscores.
    spelled: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = self.known | self.flags | self.negatable | set(self.aliases.values())
        spelled = {name.replace("_", "-"): name for name in names if "_" in name}
        object.__setattr__(self, "spelled", spelled)

    def canonical(self, key: str) -> str:
        """The program option an ARGS key stands for (dashes, aliases applied)."""
        dashed = key.replace("_", "-")
        if len(dashed) == 1:
            return self.short.get(dashed, dashed)
        name = self.aliases.get(dashed, dashed)
        return self.spelled.get(name.replace("_", "-"), name)

    def all_names(self) -> frozenset[str]:
        """Every name an ARGS key may have: known options, aliases, positionals."""
        return self.known | set(self.aliases) | set(self.positional)

    def is_flag(self, name: str) -> bool:
        return name in self.flags or name in self.negatable

    def value_text(self, name: str, text: str) -> str:
        return text.lower() if name in self.lowercase else text

    def replaced_by(self, names: Iterable[str]) -> set[str]:
        """The configured options that command-line options ``names`` replace."""
        return {r for name in names for r in (name, *self.excludes.get(name, ()))}


@dataclass(frozen=True)
class OptionGroup:
    """The argv words that one ARGS item produced, under its canonical name."""

    name: str
    tokens: tuple[str, ...]
    #: Positional arguments rather than options.
    positional: bool = False


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


def names_in_argv(rules: OptionRules, tokens: Iterable[str]) -> set[str]:
    """The canonical option names that command-line tokens set.

    ``--workers=8``, ``--workers 8``, ``-w 8`` and ``--no-access-log`` are all
    recognised; values and positional arguments are ignored.
    """
    names: set[str] = set()
    for token in tokens:
        if token.startswith("--") and len(token) > 2:
            name = rules.canonical(token[2:].split("=", 1)[0])
            if name.startswith("no-") and name[3:] in rules.negatable:
                name = name[3:]
            names.add(name)
        elif short_option(token):
            names.add(rules.short.get(token[1], token[1]))
    return names


def options_in_argv(rules: OptionRules, tokens: Sequence[str]) -> dict[str, list[str]]:
    """The values that command-line tokens give options, by canonical name.

    ``--bind=x``, ``--bind x``, ``-b x`` and ``-bx`` are read; a flag (or an
    option whose value is missing at the end) has no value.
    """
    found: dict[str, list[str]] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.startswith("--") and len(token) > 2:
            key, equals, value = token[2:].partition("=")
            name = rules.canonical(key)
        elif token.startswith("-") and len(token) > 1 and token[1] != "-":
            name = rules.short.get(token[1], token[1])
            value, equals = token[2:], "=" if len(token) > 2 else ""
        else:
            continue
        if not equals and not rules.is_flag(name) and index < len(tokens):
            value = tokens[index]
            index += 1
        elif not equals:
            continue
        found.setdefault(name, []).append(value)
    return found


def short_option(token: str) -> bool:
    """Whether ``token`` is a one-letter option (``-w``, ``-w8``)."""
    return token.startswith("-") and len(token) > 1 and token[1] != "-"


def option_value(rules: OptionRules, tokens: Sequence[str], name: str) -> str | None:
    """The value that the last occurrence of option ``name`` in ``tokens`` gives
    (see :func:`options_in_argv`); None when the option is not there."""
    values = options_in_argv(rules, tokens).get(name)
    return values[-1] if values else None


def word_groups(rules: OptionRules, words: Sequence[str]) -> list[OptionGroup]:
    """Options written as command-line words (``--bind 0.0.0.0:8000 --preload``),
    grouped by option: a word that is not an option is the value of the option
    before it, unless that one is a known flag or has its value already."""
    groups: list[OptionGroup] = []
    for word in words:
        names = names_in_argv(rules, [word]) if word.startswith("-") else set()
        last = groups[-1] if groups else None
        takes_value = (
            last is not None
            and len(last.tokens) == 1
            and "=" not in last.tokens[0]
            and last.tokens[0].startswith("--")
            and not rules.is_flag(last.name)
        )
        if names:
            groups.append(OptionGroup(names.pop(), (word,)))
        elif last is not None and takes_value:
            groups[-1] = OptionGroup(last.name, (*last.tokens, word))
        else:
            groups.append(OptionGroup("", (word,)))
    return groups


def group_values(groups: Sequence[OptionGroup]) -> dict[str, ArgValue]:
    """Each named group's value, as ARGS would give it: the word after ``=`` or
    after the option, True for a bare flag, a list for a repeated option."""
    values: dict[str, list[str | bool]] = {}
    for group in groups:
        if not group.name or group.positional:
            continue
        first = group.tokens[0]
        value: str | bool = True
        if len(group.tokens) > 1:
            value = group.tokens[1]
        elif first.startswith("--") and "=" in first:
            value = first.split("=", 1)[1]
        values.setdefault(group.name, []).append(value)
    return {
        name: found[0] if len(found) == 1 else [str(v) for v in found]
        for name, found in values.items()
    }


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
