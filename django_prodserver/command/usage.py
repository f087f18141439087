"""The rules of the command line itself: options that contradict each other,
or that nothing would read, and arguments that would break their line. Each is
a usage error (exit status 2) rather than silently ignored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import check_ids
from ..exceptions import ConfigurationError
from ..text import brief, control_character

#: What each option that only applies to one action needs (any of these).
NEEDS = {
    "format": ("dry_run",),
    "probe_path": ("probe", "export"),
    "image": ("export",),
    "dockerfile": ("export",),
    "build_context": ("export",),
    "name_prefix": ("export",),
    "output": ("export",),
    "helm_hooks": ("export_kubernetes",),
}
#: The actions, of which a command line takes one.
ACTIONS = {"dry_run": "--dry-run", "list": "--list", "export": "--export",
           "probe": "--probe"}  # fmt: skip
#: Export formats that an option may need, as :data:`NEEDS` names them.
FORMATS = {"export_kubernetes": "--export kubernetes"}


def given_options(options: Mapping[str, Any]) -> frozenset[str]:
    """Which of the options that the rules below read were given: an action
    or ``--all`` set, an option of one action given a value."""
    given = {name for name in (*ACTIONS, "all") if options.get(name)}
    given |= {name for name in FORMATS if f"export_{options.get('export')}" == name}
    return frozenset(given | {name for name in NEEDS if options.get(name) is not None})


def option_flag(name: str) -> str:
    return ACTIONS.get(name) or FORMATS.get(name) or f"--{name.replace('_', '-')}"


def refuse_conflicts(
    given: frozenset[str], names: Sequence[str], extra_args: Sequence[str]
) -> None:
    """Options that contradict each other, or that nothing would read, are a
    usage error (exit status 2) rather than silently ignored (``given``: see
    :func:`given_options`)."""
    actions = [name for name in ACTIONS if name in given]
    if len(actions) > 1:
        flags = " and ".join(option_flag(name) for name in actions)
        raise ConfigurationError(
            f"{flags} can't be used together: give one of "
            f"{', '.join(ACTIONS.values())}",
            returncode=2,
        )
    for name, needed in NEEDS.items():
        if name in given and not any(n in given for n in needed):
            wanted = " or ".join(option_flag(n) for n in needed)
            raise ConfigurationError(
                f"{option_flag(name)} goes with {wanted} only", returncode=2
            )
    refuse_control_characters([*names, *extra_args])
    if "all" in given and names:
        raise ConfigurationError(
            "--all runs every process: name processes or use --all, not both",
            returncode=2,
        )


def refuse_control_characters(arguments: Sequence[str]) -> None:
    """An argument that holds a line break or another control character."""
    for argument in arguments:
        char = control_character(str(argument))
        if char is not None:
            raise ConfigurationError(
                f"The argument {brief(argument)} holds the character {char!r}, "
                "which would break its line",
                "Remove it: no program reads a line break or another control "
                "character from its command line.",
                check_ids.CONTROL_CHARACTER,
                returncode=2,
            )
