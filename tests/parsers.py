"""The long options of the installed programs, read from their own parsers.

The backends keep their programs' option lists as constants (they never import
the programs); the tests compare those constants with what the installed
programs accept, read here from the programs' click commands, argparse parsers
or ``--help``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.management import get_commands, load_command_class

from django_prodserver.config.options import OptionRules

#: What every argparse parser and Django command has, and no ARGS key sets.
GENERIC = frozenset({"help", "version"})
#: ``  -s|--socket   bind to…``: one option of ``uwsgi --help``, and its letter.
UWSGI_HELP_LINE = re.compile(r"^\s+(?:-(\S)\|)?--(\S+)", re.MULTILINE)


def long_names(option_strings: Iterable[str]) -> set[str]:
    """``["-w", "--workers"]`` → ``{"workers"}``."""
    return {text[2:] for text in option_strings if text.startswith("--")}


def click_options(command: Any) -> set[str]:
    """Every long option of a click command, ``--no-x`` forms included."""
    return {
        name
        for param in command.params
        for name in long_names([*param.opts, *param.secondary_opts])
    }


def click_flags(command: Any, *, negatable: bool) -> set[str]:
    """The long options of a click command that take no value: those with a
    ``--no-x`` form (``negatable``), or those without."""
    return {
        name
        for param in command.params
        if getattr(param, "is_flag", False) and bool(param.secondary_opts) == negatable
        for name in long_names(param.opts)
    }


def check_click_options(command: Any, rules: OptionRules) -> None:
    """A backend's ``rules`` name every long option of a click ``command``,
    with the same flags and ``--no-x`` flags."""
    assert click_options(command) <= accepted(rules)
    assert click_flags(command, negatable=False) == rules.flags
    assert click_flags(command, negatable=True) == rules.negatable


def argparse_options(parser: argparse.ArgumentParser) -> set[str]:
    """Every long option of an argparse parser."""
    return {
        name for action in parser._actions for name in long_names(action.option_strings)
    }


def argparse_flags(parser: argparse.ArgumentParser) -> set[str]:
    """The long options of an argparse parser that take no value."""
    return {
        name
        for action in parser._actions
        if action.nargs == 0
        for name in long_names(action.option_strings)
    }


def argparse_shorts(parser: argparse.ArgumentParser) -> dict[str, str]:
    """``{"w": "workers"}``: each one-letter option but ``-h``, to the first
    long option of its argument."""
    return {
        text[1]: longs[0]
        for action in parser._actions
        if (longs := [o[2:] for o in action.option_strings if o.startswith("--")])
        for text in action.option_strings
        if len(text) == 2 and text != "-h"
    }


def argparse_default(parser: argparse.ArgumentParser, option: str) -> Any:
    """The default of ``--option``."""
    (action,) = (a for a in parser._actions if f"--{option}" in a.option_strings)
    return action.default


def check_argparse_options(
    parser: argparse.ArgumentParser,
    rules: OptionRules,
    exempt: frozenset[str] = frozenset(),
) -> None:
    """A backend's ``rules`` name every long option of ``parser`` but those
    ``exempt`` (the ones prodserver handles itself), the same flags and the
    same one-letter options."""
    assert argparse_options(parser) - GENERIC - exempt <= accepted(rules)
    assert argparse_flags(parser) - GENERIC - exempt == rules.flags
    shorts = argparse_shorts(parser).items()
    assert {short: name for short, name in shorts if name not in exempt} == rules.short


class Captured(Exception):
    """Carries the parser that a program built, out of its ``main``."""


def parser_built_by(
    main: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> argparse.ArgumentParser:
    """The argparse parser that ``main`` builds, taken as it starts parsing
    (for programs that build their parser inside their ``main``)."""

    def capture(
        parser: argparse.ArgumentParser, *args: object, **kwargs: object
    ) -> None:
        raise Captured(parser)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    try:
        main()
    except Captured as caught:
        parser: argparse.ArgumentParser = caught.args[0]
        return parser
    raise AssertionError("the program parsed no arguments")


def command_parser(app: str, name: str) -> argparse.ArgumentParser:
    """The parser of Django management command ``name`` (from ``app`` unless an
    installed app provides it)."""
    command = load_command_class(get_commands().get(name, app), name)
    return command.create_parser("manage.py", name)


def uwsgi_help(program: str) -> tuple[set[str], dict[str, str]]:
    """Every long option that ``uwsgi --help`` lists, and its one-letter
    options but ``-h`` (each to the first option it stands for)."""
    result = subprocess.run(
        [program, "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    lines = UWSGI_HELP_LINE.findall(result.stdout)
    shorts: dict[str, str] = {}
    for short, name in lines:
        if short and short != "h":
            shorts.setdefault(short, name)
    return {name for _, name in lines}, shorts


def accepted(rules: OptionRules) -> frozenset[str]:
    """Every long option that a backend's rules name: its known options, their
    ``--no-x`` forms, and the ARGS keys it translates (a program's second name
    of an option)."""
    negated = {f"no-{name}" for name in rules.negatable}
    return rules.known | negated | set(rules.aliases)
