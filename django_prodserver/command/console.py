"""``prodserver NAME``: the command without ``manage.py``, and without
``django.setup()`` unless something needs it.

The ``prodserver`` console script and ``python -m django_prodserver`` take the
options of ``manage.py prodserver`` (:func:`cli.add_arguments
<django_prodserver.command.cli.add_arguments>`) and Django's common ones, find the
settings as ``manage.py`` does (``DJANGO_SETTINGS_MODULE`` or ``--settings``,
the working directory and ``--pythonpath`` on ``sys.path``), and run the same
:func:`~django_prodserver.command.actions.run`: the same checks, plans, programs and
environment. What they skip is ``django.setup()``, the loading of every
installed app and its models, which is most of Django's start: it is done only
when an entry needs it (see :mod:`~django_prodserver.config.registry`). They read the
settings module without ``django.conf`` as well, as Django reads it
(:mod:`~django_prodserver.config.project_settings`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from argparse import ArgumentParser, HelpFormatter
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, TextIO

from .. import __version__
from ..config.project_settings import settings
from ..exceptions import ConfigurationError
from ..launch.printer import colour_refused
from . import cli, output
from .actions import run
from .request import Request

#: The console script's name.
PROG = "prodserver"
SETTINGS_HINT = (
    "Start prodserver in your project's directory (the one with manage.py) with "
    "DJANGO_SETTINGS_MODULE set, e.g. DJANGO_SETTINGS_MODULE=mysite.settings "
    "prodserver web, or pass --settings and --pythonpath"
)


def add_django_options(parser: ArgumentParser) -> None:
    """The options every Django management command takes."""
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=[0, 1, 2, 3],
        default=1,
        help="How much to print: 0 to 3 (accepted as Django's commands accept it).",
    )
    parser.add_argument(
        "--settings",
        metavar="MODULE",
        help="The settings module, e.g. mysite.settings (default: the "
        "DJANGO_SETTINGS_MODULE environment variable).",
    )
    parser.add_argument(
        "--pythonpath",
        metavar="DIR",
        help="A directory to import the project from, put first on the path.",
    )
    cli.add_flags(
        parser,
        {
            "--traceback": "Show the traceback behind an error instead of its "
            "one line.",
            "--no-color": "Print without colours.",
            "--force-color": "Print in colour even where the output is not a terminal.",
        },
    )


@cache
def help_width() -> int:
    """The width argparse gives the help: the terminal's (``COLUMNS`` first)
    less 2, 78 without one."""
    try:
        return int(os.environ["COLUMNS"]) - 2
    except (KeyError, ValueError):
        pass
    stdout = sys.__stdout__
    try:
        return os.get_terminal_size(stdout.fileno() if stdout else 1).columns - 2
    except (ValueError, OSError):
        return 78


class Formatter(HelpFormatter):
    """argparse's help formatter, told the width: argparse makes one for every
    option it adds, and finding the width its own way imports ``shutil``, which
    costs a launch more than the parsing itself."""

    def __init__(self, prog: str, **options: Any) -> None:
        options.setdefault("width", help_width())
        super().__init__(prog, **options)


def build_parser(prog: str = PROG) -> ArgumentParser:
    parser = ArgumentParser(
        prog=prog,
        formatter_class=Formatter,
        description="Start processes of PRODUCTION_PROCESSES (web servers, workers, "
        "schedulers), as `manage.py prodserver` does. Arguments after -- go to the "
        "program and override configured options.",
    )
    cli.add_arguments(parser)
    add_django_options(parser)
    cli.show_extra_args_in_usage(parser)
    return parser


def put_first_on_path(directory: str) -> None:
    if os.path.abspath(directory) not in {os.path.abspath(p or ".") for p in sys.path}:
        sys.path.insert(0, directory)


def use_settings(options: Mapping[str, Any]) -> None:
    """Find the project as ``manage.py`` does: ``--settings`` becomes
    ``DJANGO_SETTINGS_MODULE``; the working directory (what ``manage.py``'s own
    directory is for a project started from there, as a Dockerfile's
    ``WORKDIR``) and ``--pythonpath`` go first on ``sys.path``."""
    if options.get("settings"):
        os.environ["DJANGO_SETTINGS_MODULE"] = str(options["settings"])
    # Unless Python was told to leave it out (-P, PYTHONSAFEPATH).
    if not getattr(sys.flags, "safe_path", False):
        put_first_on_path(os.getcwd())
    if options.get("pythonpath"):
        sys.path.insert(0, str(options["pythonpath"]))


def load_settings() -> None:
    """Import the settings module; a one-line error if there is none or it fails."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    if not module:
        raise ConfigurationError(
            "No settings: DJANGO_SETTINGS_MODULE is not set and --settings not given",
            SETTINGS_HINT,
        )
    try:
        settings.read_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        hint = "Install what the settings import, or fix the import"
        if f"{module}.".startswith(f"{missing}."):
            hint = SETTINGS_HINT
        raise ConfigurationError(
            f"Cannot import the settings module {module!r}: {exc}", hint
        ) from exc
    except Exception as exc:  # the settings are the user's code
        raise ConfigurationError(
            f"The settings module {module!r} failed: {type(exc).__name__}: {exc}",
            "Fix the settings; --traceback shows where it failed",
        ) from exc


def styled(role: str, on: bool) -> Callable[[str], str]:
    """Django's style for ``role`` (its ``DJANGO_COLORS`` palettes included),
    or plain text."""
    if not on:
        return str
    from django.utils import termcolors

    palette = termcolors.parse_color_setting(os.environ.get("DJANGO_COLORS", ""))
    if not palette:  # DJANGO_COLORS=nocolor
        return str
    colours: dict[str, Any] = dict(palette.get(role, {}))
    return termcolors.make_style(**colours)


def colour_wanted(colour: bool | None, stream: TextIO) -> bool:
    """Colour as a management command does: with ``--force-color``, or where
    ``stream`` is a terminal, unless ``--no-color`` (or ``NO_COLOR``, which
    ``--force-color`` overrides)."""
    if colour is not None:
        return colour
    return stream.isatty() and not colour_refused(os.environ)


def write_line(stream: TextIO, text: str, style: Callable[[str], str] = str) -> None:
    """One line, styled as a management command styles it (the newline too)."""
    stream.write(style(text if text.endswith("\n") else f"{text}\n"))


def console(colour: bool | None) -> output.Console:
    # As a management command colours its warnings: with --force-color, or when
    # its standard output is a terminal, unless --no-color.
    warning = styled("WARNING", colour_wanted(colour, sys.stdout))
    return output.Console(
        write=lambda text: write_line(sys.stdout, text),
        warn=lambda text: write_line(sys.stderr, text, warning),
    )


def execute(options: Mapping[str, Any], request: Request) -> None:
    """Read the settings and do what ``request`` asks for."""
    if options.get("no_color") and options.get("force_color"):
        raise ConfigurationError(
            "The --no-color and --force-color options can't be used together."
        )
    use_settings(options)
    load_settings()
    start = output.output_start()
    held = output.hold_output(options)
    try:
        with contextlib.redirect_stdout(held) if held else contextlib.nullcontext():
            run(request, console(request.colour))
        output.write_held(held)
        sys.stdout.flush()
    except BrokenPipeError:
        output.stop_on_broken_pipe()
    except OSError as exc:
        if not output.is_output_error(exc):
            raise
        output.output_failed(exc, start)


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Run ``prodserver ARGS`` (``sys.argv[1:]`` by default); the exit status,
    when it has not become the program."""
    if sys.stdout is None or sys.stderr is None:  # started with >&- or 2>&-
        if sys.stderr is not None:
            write_line(sys.stderr, f"CommandError: {output.CLOSED_OUTPUT}")
        return 1
    words = list(sys.argv[1:] if argv is None else argv)
    words, extra_args = cli.split_extra_args(words, 0)
    options = vars(build_parser(prog).parse_args(words))
    request = Request.from_options(options, extra_args)
    try:
        execute(options, request)
    except ConfigurationError as exc:
        if options["traceback"]:
            raise
        # Coloured as manage.py colours it (and not under NO_COLOR).
        on = colour_wanted(request.colour, sys.stdout) and sys.stderr.isatty()
        error = styled("ERROR", on)
        write_line(sys.stderr, f"CommandError: {exc}", error)
        return exc.returncode
    return 0
