"""Which ARGS keys a program does not know, for the ``prodserver.W002`` warning."""

from __future__ import annotations

from collections.abc import Iterable

from ..config.options import OptionRules
from ..text import did_you_mean


def unknown_options(
    rules: OptionRules, keys: Iterable[object], own: frozenset[str]
) -> list[tuple[str, str, str]]:
    """``(key, option name, hint)`` for each key in ``keys`` that names no option
    of ``rules`` (nor one of ``own``, the keys prodserver handles itself). A
    one-letter key, a ``no-`` form of a negatable flag, and every key of rules
    that know no names (``known`` empty) pass."""
    if not rules.known:
        return []
    known = rules.all_names() | own
    found: list[tuple[str, str, str]] = []
    for key in keys:
        if not isinstance(key, str):
            continue
        name = rules.canonical(key)
        bare = name[3:] if name.startswith("no-") else name
        if name in known or bare in rules.negatable or len(name) == 1:
            continue
        found.append((key, name, did_you_mean(name, known, "Check the spelling.")))
    return found
