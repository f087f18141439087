"""``manage.py note KEY [--seconds N]``: write a finished record, as a step of
``BEFORE`` would do some work (the tests see which process ran it, and when)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jobs.records import record


class Command(BaseCommand):
    help = "Write a finished record with KEY, after --seconds (default 0)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key")
        parser.add_argument("--seconds", type=float, default=0.0)

    def handle(self, *args: Any, **options: Any) -> None:
        row = record("step", options["key"], options["seconds"])
        self.stdout.write(f"noted {options['key']} (record {row})")
