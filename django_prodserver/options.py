"""Translate a process's ``ARGS`` mapping into command-line options.

The rules (SPEC section 2) are the same for every backend; what differs per program
is described by an :class:`OptionRules` value: which options are bare flags, which
have a ``--no-x`` form, which take one comma-joined value instead of repeating,
and which ARGS keys are aliases of a program option.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .exceptions import ConfigurationError, brief

Scalar = str | int | float | bool | None
ArgValue = Scalar | Sequence[str | int | float]

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


class ArgsError(ConfigurationError):
    """An ARGS key or value that cannot become a command-line option."""

    def __init__(self, check_id: str, key: object, message: str, hint: str) -> None:
        super().__init__(message, hint, check_id)
        self.key = key


@dataclass(frozen=True)
class OptionRules:
    """What a backend knows about its program's options (names without ``--``).

    ``flags``: options that take no value. ``negatable``: flags that also have a
    ``--no-NAME`` form, used for ``False``. ``comma_joined``: options that take a
    single comma-separated value where a list is given. ``aliases``: ARGS keys that
    name a program option differently. ``short``: one-letter options, mapped to
    their long name so that ``-w 8`` after ``--`` overrides ``workers``.
    ``known``: every option name, for the "did you mean" warning; empty means the
    backend does not say. ``lowercase``: options whose values the program accepts
    in lower case only (uvicorn's ``log-level``). ``excludes``: options that the
    program refuses alongside others (waitress's ``listen`` and ``host``/``port``):
    setting one after ``--`` drops the configured others too.
    """

    flags: frozenset[str] = frozenset()
    negatable: frozenset[str] = frozenset()
    comma_joined: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = field(default_factory=dict)
    short: Mapping[str, str] = field(default_factory=dict)
    known: frozenset[str] = frozenset()
    lowercase: frozenset[str] = frozenset()
    excludes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def canonical(self, key: str) -> str:
        """The program option an ARGS key stands for (dashes, aliases applied)."""
        dashed = key.replace("_", "-")
        if len(dashed) == 1:
            return self.short.get(dashed, dashed)
        return self.aliases.get(dashed, dashed)

    def is_flag(self, name: str) -> bool:
        return name in self.flags or name in self.negatable

    def value_text(self, name: str, text: str) -> str:
        return text.lower() if name in self.lowercase else text

    def replaced_by(self, names: Iterable[str]) -> set[str]:
        """The configured options that command-line options ``names`` replace."""
        return {r for name in names for r in (name, *self.excludes.get(name, ()))}


@dataclass(frozen=True)
class OptionGroup:
    """The argv tokens that one option produced, under its canonical name."""

    name: str
    tokens: tuple[str, ...]


def validate_key(key: object) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ArgsError(
            "prodserver.E007",
            key,
            f"ARGS key {brief(key)} is not an option name",
            "Use the option's long name without dashes, made of letters, digits, "
            "'-' and '_', e.g. 'max-requests' or 'max_requests'.",
        )
    return key


def parse_bool(rules: OptionRules, name: str, key: str, value: ArgValue) -> bool | None:
    """For a known flag, the boolean a value means; None for a non-flag option."""
    if not rules.is_flag(name):
        return None
    if value is None or isinstance(value, bool):
        return value is not False
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ArgsError(
        "prodserver.E008",
        key,
        f"ARGS[{key!r}] is a flag, but its value is {brief(value)}",
        f"Set {key!r} to True or False.",
    )


def scalar_text(key: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ArgsError(
            "prodserver.E008",
            key,
            f"ARGS[{key!r}] has an unsupported value {brief(value)} "
            f"of type {type(value).__name__}",
            "Use a string, a number, True/False/None, or a list of strings or numbers.",
        )
    if isinstance(value, str) and "\0" in value:
        raise ArgsError(
            "prodserver.E008",
            key,
            f"ARGS[{key!r}] contains a NUL character, which no command line can hold",
            "Remove the NUL character from the value.",
        )
    return str(value)


def option_token(name: str, value: str | None) -> tuple[str, ...]:
    """``--name=value`` for long options, ``-n value`` for one-letter ones."""
    if len(name) == 1:
        return (f"-{name}",) if value is None else (f"-{name}", value)
    return (f"--{name}",) if value is None else (f"--{name}={value}",)


def translate_one(rules: OptionRules, key: object, value: ArgValue) -> OptionGroup:
    """Translate one ARGS item into the tokens of one option."""
    name = rules.canonical(validate_key(key))
    assert isinstance(key, str)  # validate_key proved it
    inverted = name.startswith("no-") and name[3:] in rules.negatable
    if inverted:  # uvicorn-style {"no-access-log": True}
        name = name[3:]
    flag = parse_bool(rules, name, key, value)
    if flag is not None:
        on = flag != inverted
        if on:
            return OptionGroup(name, option_token(name, None))
        if name in rules.negatable:
            return OptionGroup(name, option_token(f"no-{name}", None))
        return OptionGroup(name, ())
    if value is None or value is True:
        return OptionGroup(name, option_token(name, None))
    if value is False:
        return OptionGroup(name, ())
    if isinstance(value, (list, tuple)):
        texts = [rules.value_text(name, scalar_text(key, item)) for item in value]
        if not texts:
            return OptionGroup(name, ())
        if name in rules.comma_joined:
            return OptionGroup(name, option_token(name, ",".join(texts)))
        return OptionGroup(name, tuple(t for v in texts for t in option_token(name, v)))
    text = rules.value_text(name, scalar_text(key, value))
    return OptionGroup(name, option_token(name, text))


def translate(rules: OptionRules, args: Mapping[Any, ArgValue]) -> list[OptionGroup]:
    """Translate a whole ARGS mapping, in its order. Raises :class:`ArgsError`."""
    return [translate_one(rules, key, value) for key, value in args.items()]


def names_in_argv(rules: OptionRules, tokens: Iterable[str]) -> set[str]:
    """The canonical option names that command-line tokens set.

    ``--workers=8``, ``--workers 8``, ``-w 8`` and ``--no-access-log`` are all
    recognised; values and positional arguments are ignored.
    """
    names: set[str] = set()
    for token in tokens:
        if token.startswith("--") and len(token) > 2:
            name = token[2:].split("=", 1)[0]
            if name.startswith("no-") and name[3:] in rules.negatable:
                name = name[3:]
            names.add(rules.aliases.get(name, name))
        elif token.startswith("-") and len(token) > 1 and token[1] != "-":
            names.add(rules.short.get(token[1], token[1]))
    return names


def build_options(
    rules: OptionRules,
    args: Mapping[Any, ArgValue],
    defaults: Mapping[str, ArgValue],
    extra: Sequence[str],
) -> list[str]:
    """Configured options, then the backend's defaults, then the extra arguments.

    A default is used only where ARGS do not set that option, and anything that
    the extra arguments set replaces the configured option of the same name
    (dropped, not repeated).
    """
    groups = translate(rules, args)
    configured = {group.name for group in groups}
    groups += [
        group
        for group in translate(rules, dict(defaults))
        if group.name not in configured
    ]
    overridden = rules.replaced_by(names_in_argv(rules, extra))
    kept = [token for g in groups if g.name not in overridden for token in g.tokens]
    return [*kept, *extra]
