"""Declaring a program's facts: option names written once, as words."""

from __future__ import annotations

import pytest

from django_prodserver.backends.declare import names, pairs, program_rules
from django_prodserver.config.options import OptionRules


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("", frozenset()),
        ("bind port", {"bind", "port"}),
        ("\n    bind\n    port  bind\n", {"bind", "port"}),
        (["bind", "websocket_timeout"], {"bind", "websocket_timeout"}),
    ],
)
def test_names(words: str | list[str], expected: set[str]) -> None:
    assert names(words) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("", {}),
        ("b=bind p=port", {"b": "bind", "p": "port"}),
        ("log-file=error-logfile\n  x=a=b", {"log-file": "error-logfile", "x": "a=b"}),
        ({"b": "bind"}, {"b": "bind"}),
    ],
)
def test_pairs(words: str | dict[str, str], expected: dict[str, str]) -> None:
    assert pairs(words) == expected


def test_program_rules_know_every_flag_and_value() -> None:
    rules = program_rules(flags="reload", negatable="access-log", values="bind")
    assert rules.flags == {"reload"}
    assert rules.negatable == {"access-log"}
    assert rules.known == {"reload", "access-log", "bind"}
    assert program_rules() == OptionRules()


@pytest.mark.parametrize(
    ("keyword", "given", "expected"),
    [
        ("short", "b=bind", {"b": "bind"}),
        ("aliases", {"host": "bind"}, {"host": "bind"}),
        ("comma_joined", "queues", {"queues"}),
        ("several_values", ["path", "queues"], {"path", "queues"}),
        ("lowercase", "log-level", {"log-level"}),
        ("positional", ("queues",), ("queues",)),
        ("excludes", {"bind": frozenset({"port"})}, {"bind": {"port"}}),
    ],
)
def test_program_rules_pass_on_the_other_rules(
    keyword: str, given: object, expected: object
) -> None:
    rules = program_rules(**{keyword: given})  # type: ignore[arg-type]
    assert getattr(rules, keyword) == expected
    assert not rules.known
