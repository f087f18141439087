"""YAML documents written by PyYAML's safe dumper (compose, Kubernetes).

A string is written plain where every YAML reader takes it as that string,
and double-quoted otherwise: where it looks like a number, a boolean or null
to some reader (YAML 1.1 takes ``yes`` and ``y`` for booleans, YAML 1.2
``0o17`` for a number), or holds a character that a reader would change or
refuse (line breaks such as U+0085 and U+2028, control characters, ``\\x7f``).
Double quotes escape those (``"\\N"``, ``"\\x7F"``), so that they read back
exactly. PyYAML is imported here only, so only by ``--export``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from .values import printable

#: Words some YAML reader takes for a boolean or null (case is ignored).
RESERVED_WORDS = frozenset(
    {"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"}
)
#: Starts that some reader may take for a number: a digit, or a sign or dot
#: before a digit or an underscore (YAML 1.1 allows ``_`` in numbers, and some
#: readers take ``._`` or ``-_`` for one, then fail to convert it).
NUMBER_LIKE = re.compile(r"[-+]?\.?[0-9]|[-+]\.?_|\._|[-+]?\.(inf|nan)$", re.IGNORECASE)
#: Lines are never folded: a command reads as it runs.
NO_FOLDING = 2**30


def needs_double_quotes(text: str) -> bool:
    """Whether ``text`` must be double-quoted to read back as itself everywhere."""
    if text.lower() in RESERVED_WORDS or NUMBER_LIKE.match(text):
        return True
    return any(not printable(ch) for ch in text)


class Dumper(yaml.SafeDumper):
    """The safe dumper, with the string styles above and lists indented
    under their key (as compose and Kubernetes examples write them)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # Each value written out in full: no &anchors and *aliases to follow.
        return True


def represent_str(dumper: Dumper, text: str) -> yaml.ScalarNode:
    style = '"' if needs_double_quotes(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


Dumper.add_representer(str, represent_str)


def dump(documents: Sequence[Any], header: Sequence[str] = ()) -> str:
    """The documents, ``---`` between them, after ``header`` comment lines."""
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    text = yaml.dump_all(
        documents,
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=NO_FOLDING,
        explicit_start=len(documents) > 1,
    )
    return comments + text
