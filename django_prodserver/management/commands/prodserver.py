"""``manage.py prodserver [NAME ...]``: start the production processes."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ... import __version__, cli
from ...exceptions import ConfigurationError

#: The exit status of a command whose reader went away (128 + SIGPIPE).
BROKEN_PIPE = 141


class Command(BaseCommand):
    help = (
        "Start processes of PRODUCTION_PROCESSES (web servers, workers, schedulers). "
        "Arguments after -- go to the program and override configured options."
    )
    # Our own checks run in handle(); the project's belong to `manage.py check`.
    requires_system_checks: tuple[str, ...] = ()
    stealth_options = ("extra_args",)
    extra_args: Sequence[str] = ()

    def run_from_argv(self, argv: list[str]) -> None:
        argv, self.extra_args = cli.split_extra_args(argv, 2)
        super().run_from_argv(argv)

    def add_arguments(self, parser: ArgumentParser) -> None:
        cli.add_arguments(parser)
        cli.show_extra_args_in_usage(parser)

    def get_version(self) -> str:
        return __version__

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            output = super().execute(*args, **options)
            self.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`--dry-run | head -1`): stop quietly, as a
            # POSIX tool does, and let nothing write to the closed pipe again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(BROKEN_PIPE) from None
        return output

    def request(self, options: dict[str, Any]) -> cli.Request:
        """What the command line asks for."""
        return cli.Request.from_options(options, self.extra_args)

    def handle(self, *args: str, **options: Any) -> None:
        request = self.request(options)
        console = cli.Console(
            write=self.stdout.write,
            warn=lambda text: self.stderr.write(text, self.style.WARNING),
            note=self.stderr.write,
        )
        try:
            cli.run(request, console)
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from exc
