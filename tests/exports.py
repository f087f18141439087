"""Read exported files back with the real parsers: honcho and ``sh`` for a
Procfile, ``systemd-analyze`` for units, supervisord's own configuration
reader, PyYAML (YAML 1.1) and ruamel.yaml (YAML 1.2) for YAML, and the
variable expansion that compose and Kubernetes apply to what they read."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import yaml

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
#: The backslash escapes of systemd's ``quote_command_line`` (C escapes).
C_ESCAPES = {
    "a": b"\a", "b": b"\b", "f": b"\f", "n": b"\n", "r": b"\r", "t": b"\t",
    "v": b"\v", "\\": b"\\", '"': b'"', "'": b"'", "$": b"$", "`": b"`",
    " ": b" ",
}  # fmt: skip


# -- Procfile ----------------------------------------------------------------


def procfile_commands(text: str) -> dict[str, str]:
    """``name → command``, as honcho reads a Procfile."""
    from honcho.environ import parse_procfile

    return dict(parse_procfile(text).processes)


def sh_words(command: str) -> list[str]:
    """The words ``sh`` makes of a command line (run with a function that
    prints its arguments in place of the program)."""
    script = 'p() { printf "%s\\0" "$@"; }; p ' + command
    result = subprocess.run(
        ["sh", "-c", script], capture_output=True, timeout=30, check=True
    )
    return [word.decode() for word in result.stdout.split(b"\0")[:-1]]


# -- systemd -----------------------------------------------------------------


def unit_files(text: str, directory: Path) -> list[Path]:
    """Write each unit of a systemd export to its own file, named by the
    ``# NAME.service`` (or ``.target``) line that starts it."""
    paths = []
    for unit in re.split(r"\n(?=# \S+\.(?:service|target)\n)", text):
        path = directory / unit.splitlines()[0][2:]
        path.write_text(unit)
        paths.append(path)
    return paths


@dataclass
class VerifiedUnit:
    """What ``systemd-analyze verify`` loaded of a unit (its debug dump)."""

    argv: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)


def systemd_verify(paths: list[Path]) -> tuple[dict[str, VerifiedUnit], str]:
    """Verify units with systemd's own loader: each unit's dump, and the
    complaints that name them. Fails unless the verification passes."""
    assert SYSTEMD_ANALYZE is not None
    env = {**os.environ, "SYSTEMD_LOG_LEVEL": "debug"}
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *map(str, paths)],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 0, stderr
    names = {path.name for path in paths}
    complaints = [
        line
        for line in stderr.splitlines()
        if any(re.match(rf"(.*/)?{re.escape(name)}:", line) for name in names)
        and re.search(r"ignoring|[Ff]ailed|[Uu]nknown|[Ii]nvalid|not ", line)
        and "job" not in line
    ]
    return parse_dump(result.stdout), "\n".join(complaints)


def parse_dump(dump: bytes) -> dict[str, VerifiedUnit]:
    """The units of a ``systemd-analyze`` debug dump: argv of ``ExecStart``,
    ``Environment`` lines, and the other ``Key: value`` lines."""
    units: dict[str, VerifiedUnit] = {}
    unit = VerifiedUnit()
    for raw in dump.split(b"\n"):
        line = raw.strip(b"\t")
        if raw.startswith(b"\t-> Unit ") and raw.endswith(b":"):
            unit = units.setdefault(raw[9:-1].decode(), VerifiedUnit())
        elif line.startswith(b"Command Line: "):
            unit.argv = command_line_words(line[14:])
        elif line.startswith(b"Environment: "):
            unit.environment.append(line[13:].decode())
        elif (
            b": " in line and raw.startswith(b"\t\t") and not raw.startswith(b"\t\t\t")
        ):
            key, _, value = line.decode(errors="replace").partition(": ")
            unit.values.setdefault(key, []).append(value)
    return units


def command_line_words(line: bytes) -> list[str]:
    """Split what systemd prints as ``Command Line:`` (its shell-like quoting:
    double quotes, backslash and octal escapes)."""
    words = []
    for match in re.finditer(rb'"((?:[^"\\]|\\.)*)"|(\S+)', line):
        quoted, plain = match.groups()
        words.append(unescape(quoted) if quoted is not None else plain)
    return [word.decode() for word in words]


def unescape(text: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(text):
        byte = text[index : index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        nxt = chr(text[index + 1])
        if nxt in "01234567":
            out.append(int(text[index + 1 : index + 4], 8))
            index += 4
        elif nxt == "x":
            out.append(int(text[index + 2 : index + 4], 16))
            index += 4
        else:
            out += C_ESCAPES[nxt]
            index += 2
    return bytes(out)


def systemd_expanded(word: str) -> str:
    """A word as systemd passes it to the program: ``$$`` is ``$`` (and our
    words hold no variable)."""
    assert re.fullmatch(r"(?:[^$]|\$\$)*", word), f"unescaped $ in {word!r}"
    return word.replace("$$", "$")


def systemd_timespan(value: str) -> int:
    """Microseconds of a time span, as systemd parses it."""
    assert SYSTEMD_ANALYZE is not None
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "timespan", value],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    found = re.search(r"μs: (\d+)", result.stdout)
    assert found, result.stdout
    return int(found[1])


# -- supervisord -------------------------------------------------------------


def supervisord_programs(text: str, directory: Path) -> dict[str, Any]:
    """``program name → ProcessConfig``, as supervisord reads the export
    included from its main configuration file."""
    from supervisor.options import ServerOptions

    (directory / "programs.conf").write_text(text)
    main = directory / "supervisord.conf"
    main.write_text("[supervisord]\n\n[include]\nfiles = programs.conf\n")
    options = ServerOptions()
    options.configfile = str(main)
    options.process_config(do_usage=False)
    assert not options.parse_criticals, options.parse_criticals
    return {
        config.name: config
        for group in options.process_group_configs
        for config in group.process_configs
    }


def supervisord_argv(config: Any) -> list[str]:
    """The argv supervisord starts a program with (its own split)."""
    import shlex

    return shlex.split(config.command)


# -- YAML --------------------------------------------------------------------


def yaml_documents(text: str) -> list[Any]:
    """The documents, as PyYAML (YAML 1.1) reads them, after checking that
    ruamel.yaml (YAML 1.2, as Go's compose and kubectl read) reads the same."""
    from ruamel.yaml import YAML

    documents = [d for d in yaml.safe_load_all(text) if d is not None]
    strict = YAML(typ="safe", pure=True)
    others = [d for d in strict.load_all(StringIO(text)) if d is not None]
    assert others == documents
    return documents


def compose_expanded(value: Any) -> Any:
    """What compose makes of a value it read: ``$$`` is ``$`` (and our values
    hold no variable)."""
    if isinstance(value, str):
        assert re.fullmatch(r"(?:[^$]|\$\$)*", value), f"unescaped $ in {value!r}"
        return value.replace("$$", "$")
    if isinstance(value, list):
        return [compose_expanded(item) for item in value]
    if isinstance(value, dict):
        return {key: compose_expanded(item) for key, item in value.items()}
    return value


def kubernetes_expanded(word: str) -> str:
    """What the kubelet makes of a command word: ``$$`` is ``$``, ``$(VAR)``
    a variable (none in our words)."""
    out = []
    chars: Iterator[str] = iter(word)
    for ch in chars:
        if ch != "$":
            out.append(ch)
            continue
        following = next(chars, "")
        assert following in ("$", ""), f"unescaped $ in {word!r}"
        out.append("$")
    return "".join(out)


@functools.cache
def kubernetes_validator(kind: str, api_version: str, version: str) -> Any:
    """kubernetes-validate's strict check of one kind of object, built once.

    ``kubernetes_validate.validate`` builds a new validator for every object,
    and so resolves every ``$ref`` of the schemas again: this one reads the same
    strict schemas the same way, and keeps what it resolved.
    """
    import jsonschema
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    wanted = utils.major_minor(version)
    found = [v for v in utils.all_versions() if utils.major_minor(v) <= wanted][-1]
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    directory = f"kubernetes-json-schema/v{found}-local-strict"
    schema = utils.schema_contents(f"{directory}/{kind.lower()}-{group}.json", version)
    definitions = utils.schema_contents(f"{directory}/_definitions.json", version)
    registry = Resource.from_contents(definitions) @ (
        Resource.from_contents(schema) @ Registry()
    )
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def validate_kubernetes(obj: dict[str, Any], version: str) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``obj`` is valid, strictly,
    for Kubernetes ``version``."""
    kubernetes_validator(obj["kind"], obj["apiVersion"], version).validate(obj)
