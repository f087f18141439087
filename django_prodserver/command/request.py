"""What the user asked for: the command line's options, parsed once into a
frozen, typed :class:`Request` that the rest of the command reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..backends.base import ProcessBackend
from ..exceptions import ConfigurationError
from ..launch.printer import LOG_FORMATS, LineFormat
from ..text import brief
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
    #: ``--log-format`` (None: the environment's, else text), ``--timestamps``
    #: and ``--no-prefix``: see :meth:`line_format`.
    log_format: str | None = None
    timestamps: bool = False
    no_prefix: bool = False
    #: ``--quiet``: no start-up banner.
    quiet: bool = False
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
    #: ``--helm-hooks``: the release Jobs as Helm hooks (Kubernetes).
    helm_hooks: bool = False
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
            log_format=options.get("log_format"),
            timestamps=bool(options.get("timestamps")),
            no_prefix=bool(options.get("no_prefix")),
            quiet=bool(options.get("quiet")),
            extra_args=list(options.get("extra_args") or extra_args),
            pythonpath=[options["pythonpath"]] if options.get("pythonpath") else [],
            settings=text(options, "settings") or None,
            image=text(options, "image"),
            dockerfile=text(options, "dockerfile"),
            build_context=text(options, "build_context"),
            env_file=text(options, "env_file"),
            name_prefix=text(options, "name_prefix"),
            output=text(options, "output"),
            helm_hooks=bool(options.get("helm_hooks")),
            given=given_options(options),
        )

    def line_format(self, environ: Mapping[str, str]) -> LineFormat:
        """How the lines of several processes are printed: the command line's
        options, else the ``PRODSERVER_*`` environment variables."""
        log_format = self.log_format or environ_choice(
            environ, LOG_FORMAT_VARIABLE, LOG_FORMATS
        )
        timestamps = self.timestamps or environ_flag(environ, TIMESTAMPS_VARIABLE)
        no_prefix = self.no_prefix or environ_flag(environ, NO_PREFIX_VARIABLE)
        return LineFormat(log_format or "text", timestamps, not no_prefix)


#: The environment variables that set ``--log-format``, ``--timestamps`` and
#: ``--no-prefix`` (the options win).
LOG_FORMAT_VARIABLE = "PRODSERVER_LOG_FORMAT"
TIMESTAMPS_VARIABLE = "PRODSERVER_TIMESTAMPS"
NO_PREFIX_VARIABLE = "PRODSERVER_NO_PREFIX"
#: The values a yes-or-no variable takes (any case); unset or empty is no.
YES, NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def environ_choice(
    environ: Mapping[str, str], name: str, choices: Sequence[str]
) -> str | None:
    """The value of variable ``name`` (one of ``choices``), None if unset or empty."""
    value = environ.get(name, "").strip().lower()
    if value and value not in choices:
        raise ConfigurationError(
            f"The environment variable {name} is {brief(environ[name])}: "
            f"expected {' or '.join(choices)}",
            f"Set {name} to {' or '.join(choices)}, or unset it",
            returncode=2,
        )
    return value or None


def environ_flag(environ: Mapping[str, str], name: str) -> bool:
    """Whether the yes-or-no variable ``name`` says yes."""
    value = environ.get(name, "").strip().lower()
    if value not in YES + NO:
        raise ConfigurationError(
            f"The environment variable {name} is {brief(environ[name])}: "
            "expected 1 or 0 (true or false, yes or no)",
            f"Set {name}=1 to turn it on, or unset it",
            returncode=2,
        )
    return value in YES


def text(options: Mapping[str, Any], key: str) -> str | None:
    """An option that takes a value: None when it is not given."""
    value = options.get(key)
    return None if value is None else str(value)


def colour_option(options: Mapping[str, Any]) -> bool | None:
    if options.get("no_color"):
        return False
    return True if options.get("force_color") else None
