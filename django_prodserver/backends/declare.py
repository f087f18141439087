"""Helpers to declare a program's facts in a backend's class attributes.

A program's options are written once, as its ``--help`` lists them::

    option_rules = program_rules(
        flags="no-server-name proxy-headers",
        values="access-log bind port root-path",
        short="b=bind p=port",
        aliases="host=bind",
    )

``known`` (the names the "did you mean" warning accepts) is then every flag,
negatable flag and value option; nothing is listed twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..config.options import OptionRules

#: The signals of a program that handles SIGINT and SIGTERM only (both stop
#: it); any other would kill or freeze it, so none other is forwarded.
INT_AND_TERM = frozenset({"SIGINT", "SIGTERM"})

#: Names as a string separated by white space, or as a collection.
Names = str | Iterable[str]
#: ``"b=bind p=port"``, or a mapping.
Pairs = str | Mapping[str, str]


def names(words: Names) -> frozenset[str]:
    """The option names of ``words`` (``"bind port"`` → ``{"bind", "port"}``)."""
    return frozenset(words.split() if isinstance(words, str) else words)


def pairs(words: Pairs) -> dict[str, str]:
    """``"b=bind p=port"`` → ``{"b": "bind", "p": "port"}``; a mapping is copied."""
    if not isinstance(words, str):
        return dict(words)
    split = (word.partition("=") for word in words.split())
    return {key: value for key, _, value in split}


def program_rules(
    *,
    flags: Names = "",
    values: Names = "",
    negatable: Names = "",
    short: Pairs = "",
    aliases: Pairs = "",
    comma_joined: Names = "",
    several_values: Names = "",
    lowercase: Names = "",
    positional: tuple[str, ...] = (),
    excludes: Mapping[str, frozenset[str]] | None = None,
) -> OptionRules:
    """The :class:`~django_prodserver.config.options.OptionRules` of a program
    whose options are ``flags`` (no value), ``negatable`` flags (with a
    ``--no-`` form) and ``values`` (options that take one); they are all its
    ``known`` names."""
    flag_names, negatable_names = names(flags), names(negatable)
    return OptionRules(
        flags=flag_names,
        negatable=negatable_names,
        comma_joined=names(comma_joined),
        several_values=names(several_values),
        aliases=pairs(aliases),
        short=pairs(short),
        known=flag_names | negatable_names | names(values),
        lowercase=names(lowercase),
        positional=positional,
        excludes=excludes or {},
    )
