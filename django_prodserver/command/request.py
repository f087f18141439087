"""What the user asked for: the command line's options, parsed once into a
frozen, typed :class:`Request` that the rest of the command reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..backends.base import ProcessBackend
from .usage import given_options


@dataclass(frozen=True)
class Request:
    """What the user asked for on the command line."""

    names: Sequence[str] = ()
    run_all: bool = False
    dry_run: bool = False
    output_format: str = "shell"
    list_processes: bool = False
    export: str | None = None
    probe: bool = False
    probe_path: str = "/"
    spawn: bool = False
    stop_timeout: float | None = None
    #: ``--scale NAME=N``: how many copies of each named process run.
    scale: Mapping[str, int] = field(default_factory=dict)
    #: Prefix colours: ``--force-color`` (True), ``--no-color`` (False), or None.
    colour: bool | None = None
    skip_checks: bool = False
    extra_args: Sequence[str] = ()
    pythonpath: Sequence[str] = ()
    #: ``--settings``: the exported command lines repeat it.
    settings: str | None = None
    #: The export's own options.
    image: str | None = None
    dockerfile: str | None = None
    build_context: str | None = None
    env_file: str | None = None
    name_prefix: str | None = None
    output: str | None = None
    #: The options given of those the usage rules read
    #: (:func:`~django_prodserver.command.usage.refuse_conflicts`).
    given: frozenset[str] = frozenset()
    #: django-prodserver 3.0's commands: the kind of backend they run (e.g.
    #: "server" and WebServerBackend), and without a name, the first entry.
    kind: tuple[str, type[ProcessBackend]] | None = None

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], extra_args: Sequence[str] = ()
    ) -> Request:
        export = options.get("export")
        names = list(options.get("names") or ())
        return cls(
            names=names,
            run_all=bool(
                options.get("all") or options.get("list") or (export and not names)
            ),
            dry_run=bool(options.get("dry_run")),
            output_format=options.get("format") or "shell",
            list_processes=bool(options.get("list")),
            export=export,
            probe=bool(options.get("probe")),
            probe_path=options.get("probe_path") or "/",
            spawn=bool(options.get("spawn")),
            stop_timeout=options.get("stop_timeout"),
            scale=dict(options.get("scale") or ()),
            colour=colour_option(options),
            skip_checks=bool(options.get("skip_checks")),
            extra_args=list(options.get("extra_args") or extra_args),
            pythonpath=[options["pythonpath"]] if options.get("pythonpath") else [],
            settings=text(options, "settings") or None,
            image=text(options, "image"),
            dockerfile=text(options, "dockerfile"),
            build_context=text(options, "build_context"),
            env_file=text(options, "env_file"),
            name_prefix=text(options, "name_prefix"),
            output=text(options, "output"),
            given=given_options(options),
        )


def text(options: Mapping[str, Any], key: str) -> str | None:
    """An option that takes a value: None when it is not given."""
    value = options.get(key)
    return None if value is None else str(value)


def colour_option(options: Mapping[str, Any]) -> bool | None:
    if options.get("no_color"):
        return False
    return True if options.get("force_color") else None
