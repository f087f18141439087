"""What the command prints: a dry run (shell lines with comments, or JSON
objects), and the list of processes."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..config.messages import shown
from ..redaction import MASK
from ..text import cut
from ..validation.entries import MAX_NAME_LENGTH
from .output import Console
from .selection import Selected, Selection


def lifecycle_lines(each: Selected) -> list[str]:
    """What the launcher does for the entry first, a phrase a line."""
    if not each.prepared:
        return []
    from ..launch import lifecycle

    return lifecycle.describe(each.backend)


def print_dry_run(
    selected: list[Selected],
    output_format: str,
    console: Console,
    hidden: Sequence[str] = (),
) -> None:
    """Each entry's plans in launch order, after what the launcher does first
    (shell: comment lines; JSON: more keys, and an object with an empty argv
    for an entry without a program). ``hidden``: the variables of
    ``--env-file``, shown as ``***``."""
    masked = dict.fromkeys(hidden, MASK)
    for each in selected:
        if output_format == "shell":
            for line in lifecycle_lines(each):
                console.write(comment(each.backend.name, line))
            for plan in each.plans:
                console.write(plan.shell_line({**masked, **plan.env}))
            continue
        import json  # the JSON form only: a launch does without

        config = each.backend.config
        objects = [with_env(plan.as_dict(), masked) for plan in each.plans] or [
            {
                "name": config.name,
                "backend": config.backend,
                "argv": [],
                "env": {},
                "cwd": os.getcwd(),
            }
        ]
        extra: dict[str, object] = {}
        if each.prepared:
            from ..launch import lifecycle

            extra = lifecycle.as_json(each.backend)
        for data in objects:
            console.write(json.dumps({**data, **extra}))


def with_env(data: dict[str, object], masked: dict[str, str]) -> dict[str, object]:
    """A plan's JSON object, with the variables of ``--env-file`` masked."""
    env = data["env"]
    return {**data, "env": {**masked, **env}} if isinstance(env, dict) else data


def comment(name: str, text: str) -> str:
    """A shell comment of one line about process ``name``, whatever ``text``
    holds: no character ends it, no password shows, and it splits into words
    as a shell reads them (with an unbalanced quote, each word that is not a
    word of its own is quoted)."""
    import shlex

    text = shown(text)
    try:
        shlex.split(text)
    except ValueError:
        text = " ".join(map(quoted_word, text.split(" ")))
    return f"# {name}: {text}"


def quoted_word(word: str) -> str:
    """``word`` as it is if a shell reads it as itself, else quoted."""
    import shlex

    try:
        same = shlex.split(word) == [word]
    except ValueError:
        same = False
    return word if same else shlex.quote(word)


def print_list(selection: Selection, console: Console) -> None:
    """Each process by the name that runs it, its backend, then what the
    launcher does first and its command lines, with the variables that set it
    apart (those every process gets are left out). In launch order."""
    names = [
        *(each.backend.config.name for each in selection.in_launch_order()),
        *selection.broken,
    ]
    # A broken entry's name may be anything: on one line, and cut to size.
    labels = {name: shown(cut(str(name), MAX_NAME_LENGTH)) for name in names}
    width = max(map(len, labels.values()))
    common = selection.context.variables
    for name in names:
        label = f"{labels[name]:<{width}}"
        if name in selection.broken:
            console.write(f"{label}  {one_line(selection.broken[name])}")
            continue
        each = selection.entries[name]
        count = f"  ({len(each.plans)} processes)" if len(each.plans) > 1 else ""
        console.write(f"{label}  {each.backend.config.backend}{count}")
        for line in lifecycle_lines(each):
            console.write(f"{'':<{width}}  {shown(line)}")
        for plan in each.plans:
            own = {k: v for k, v in plan.env.items() if common.get(k) != v}
            console.write(f"{'':<{width}}  {plan.shell_line(own)}")


def one_line(text: str) -> str:
    return " ".join(text.split())
