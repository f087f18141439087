"""``manage.py prodserver [NAME ...]``: start the production processes."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from collections.abc import Sequence
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import color_style

from ... import __version__
from ...command import cli, output
from ...command.actions import run
from ...command.request import Request
from ...exceptions import ConfigurationError
from ...launch.printer import colour_refused


class Command(BaseCommand):
    help = (
        "Start processes of PRODUCTION_PROCESSES (web servers, workers, schedulers). "
        "Arguments after -- go to the program and override configured options; "
        "with several processes, write each as NAME:ARGUMENT."
    )
    # Our own checks run in handle(); the project's belong to `manage.py check`.
    requires_system_checks: tuple[str, ...] = ()
    stealth_options = ("extra_args",)
    extra_args: Sequence[str] = ()

    def __init__(
        self,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        no_color: bool = False,
        force_color: bool = False,
    ) -> None:
        # NO_COLOR (and TERM=dumb), which Django's colours do not read: its
        # errors would be red on a terminal whatever NO_COLOR says.
        no_color = no_color or (not force_color and colour_refused(os.environ))
        super().__init__(stdout, stderr, no_color=no_color, force_color=force_color)

    def run_from_argv(self, argv: list[str]) -> None:
        argv, self.extra_args = cli.split_extra_args(argv, 2)
        super().run_from_argv(argv)

    def add_arguments(self, parser: ArgumentParser) -> None:
        cli.add_arguments(parser)
        cli.show_extra_args_in_usage(parser)

    def get_version(self) -> str:
        return __version__

    def execute(self, *args: Any, **options: Any) -> str | None:
        if sys.stdout is None and not options.get("stdout"):  # started with >&-
            raise CommandError(output.CLOSED_OUTPUT)
        if options.get("force_color") and not options.get("no_color"):
            # --force-color overrides NO_COLOR, the error line included.
            self.stderr.style_func = color_style(force_color=True).ERROR
        start = output.output_start()
        held = None if options.get("stdout") else output.hold_output(options)
        if held is not None:
            options["stdout"] = held
        try:
            result = super().execute(*args, **options)
            self.stdout.flush()
            output.write_held(held)
        except BrokenPipeError:
            output.stop_on_broken_pipe()
        except OSError as exc:
            if not output.is_output_error(exc):
                raise
            try:
                output.output_failed(exc, start)
            except ConfigurationError as error:
                raise CommandError(str(error)) from exc
        return result

    def request(self, options: dict[str, Any]) -> Request:
        """What the command line asks for."""
        return Request.from_options(options, self.extra_args)

    def handle(self, *args: str, **options: Any) -> None:
        request = self.request(options)
        console = output.Console(
            write=self.stdout.write,
            warn=lambda text: self.stderr.write(text, self.style.WARNING),
            note=self.stderr.write,
        )
        try:
            run(request, console)
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from exc
