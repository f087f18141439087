"""What a backend says about its program's options (:class:`OptionRules`), and
the argv words one ``ARGS`` item becomes (:class:`OptionGroup`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Scalar = str | int | float | bool | None
ArgValue = Scalar | Sequence[str | int | float]


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
