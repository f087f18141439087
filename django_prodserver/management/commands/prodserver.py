"""``manage.py prodserver [NAME ...]``: start the production processes."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ... import cli
from ...exceptions import ConfigurationError


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

    def run_from_argv(self, argv: list[str]) -> None:
        argv, self.extra_args = cli.split_extra_args(argv, 2)
        super().run_from_argv(argv)

    def add_arguments(self, parser: ArgumentParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: str, **options: Any) -> None:
        request = cli.Request.from_options(options, self.extra_args)
        console = cli.Console(
            write=self.stdout.write,
            warn=lambda text: self.stderr.write(text, self.style.WARNING),
        )
        try:
            cli.run(request, console)
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from exc
