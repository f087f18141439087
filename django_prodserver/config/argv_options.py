"""Options read back from command-line words: which options ``--`` arguments
set and to what, and ``ARGS`` written as words (as django-prodserver 3.0 took
them) grouped by option."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .option_rules import ArgValue, OptionGroup, OptionRules


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
