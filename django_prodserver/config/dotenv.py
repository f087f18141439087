"""``--env-file``: a file of environment variables in the dotenv format.

One ``NAME=value`` a line, ``export NAME=value`` too; blank lines and lines
that begin with ``#`` are skipped. A value is taken as written, without the
spaces around it and a `` #`` comment after it; in single quotes it is taken
literally, in double quotes ``\\n``, ``\\t``, ``\\"`` and ``\\\\`` are escapes.
A quoted value ends on its own line.
"""

from __future__ import annotations

import re

from .. import check_ids
from ..exceptions import ConfigurationError
from ..text import brief

#: ``export NAME=rest``: the name a shell can assign, then the value's text.
ASSIGNMENT = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")
#: The escapes of a double-quoted value.
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


class LineError(ValueError):
    """What is wrong with one line."""


def read_env_file(path: str) -> dict[str, str]:
    """The variables of the file at ``path``; :class:`ConfigurationError`
    (``prodserver.E030``), naming the file and the line, if it cannot be read
    or a line is malformed. No value is ever part of the message."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise env_file_error(
            f"--env-file {brief(path)}: cannot read it ({reason})",
            "Give the path of a readable UTF-8 file.",
        ) from None
    variables: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            name, value = parse_line(line)
        except LineError as exc:
            where = f"--env-file {brief(path)}, line {number}"
            raise env_file_error(f"{where}: {exc}") from None
        variables[name] = value
    return variables


#: The hint of a malformed line.
FORMAT_HINT = (
    "Write one NAME=value a line (export NAME=value, quotes and # comments "
    "are read too)."
)


def env_file_error(message: str, hint: str = FORMAT_HINT) -> ConfigurationError:
    return ConfigurationError(message, hint, check_ids.BAD_ENV_FILE)


def parse_line(line: str) -> tuple[str, str]:
    """The name and value of an assignment line."""
    found = ASSIGNMENT.fullmatch(line)
    if found is None:
        raise LineError("not a NAME=value assignment")
    name, text = found.groups()
    if text[:1] in {"'", '"'}:
        value, rest = quoted(text)
        if rest.strip() and not rest.lstrip().startswith("#"):
            raise LineError(f"text after the quoted value of {name}")
        return name, value
    value = re.split(r"\s#", text, maxsplit=1)[0]
    return name, value.strip()


def quoted(text: str) -> tuple[str, str]:
    """A quoted value at the start of ``text``, and what follows its quote."""
    quote = text[0]
    value: list[str] = []
    index = 1
    while index < len(text):
        char = text[index]
        if char == quote:
            return "".join(value), text[index + 1 :]
        if quote == '"' and char == "\\" and index + 1 < len(text):
            index += 1
            value.append(ESCAPES.get(text[index], "\\" + text[index]))
        else:
            value.append(char)
        index += 1
    raise LineError(f"the quote {quote} is not closed on its line")
