"""``manage.py prodserver [NAME ...]``: start the production processes."""

from __future__ import annotations

import os
import shlex
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ... import launch
from ...plan import Plan


def non_negative_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also rejects nan
        raise ArgumentTypeError(f"expected a number of seconds, not {text!r}")
    return seconds


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
        if "--" in argv[2:]:
            split = argv.index("--", 2)
            argv, self.extra_args = argv[:split], argv[split + 1 :]
        super().run_from_argv(argv)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "names", nargs="*", metavar="NAME", help="Processes to run."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the command, run nothing."
        )
        parser.add_argument(
            "--format",
            choices=("shell", "json"),
            default="shell",
            help="Dry-run output: a shell line or a JSON object per process.",
        )
        parser.add_argument(
            "--list", action="store_true", help="List every process and its command."
        )
        parser.add_argument(
            "--spawn",
            action="store_true",
            help="Run the program as a child with signal forwarding instead of exec.",
        )
        parser.add_argument("--all", action="store_true", help="Run every process.")
        parser.add_argument(
            "--stop-timeout",
            type=non_negative_seconds,
            default=None,
            metavar="SECONDS",
            help=(
                "How long a stop may take before what is left is killed "
                "(default: 10 with several processes, none with one)."
            ),
        )
        parser.add_argument(
            "--skip-checks", action="store_true", help="Skip prodserver's own checks."
        )
        parser.add_argument(
            "--export",
            choices=launch.EXPORT_FORMATS,
            help="Print a Procfile, systemd units or a compose services block "
            "that start the named processes (all of them without a name).",
        )

    def handle(self, *args: str, **options: Any) -> None:
        request = launch.Request(
            names=options["names"],
            run_all=options["all"]
            or options["list"]
            or bool(options["export"] and not options["names"]),
            extra_args=options.get("extra_args") or self.extra_args,
            pythonpath=[options["pythonpath"]] if options.get("pythonpath") else [],
            skip_checks=options["skip_checks"],
        )
        try:
            processes = launch.configured_processes()
            selected = launch.select_names(processes, request)
            plans, warnings = launch.plan_processes(processes, selected, request)
        except launch.LaunchError as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from exc
        for warning in warnings:
            self.stderr.write(launch.format_message(warning), self.style.WARNING)
        if options["export"]:
            self.print_export(selected, options, request.extra_args)
        elif options["list"]:
            self.print_list(plans)
        elif options["dry_run"]:
            self.print_dry_run(plans, options["format"])
        else:
            self.run(plans, options)

    def print_export(
        self, names: Sequence[object], options: dict[str, Any], extra: Sequence[str]
    ) -> None:
        from ... import export  # only here: the launch path does without it

        try:
            deploy = export.deployment([str(name) for name in names], options, extra)
            self.stdout.write(export.render(options["export"], deploy), ending="")
        except export.ExportError as exc:
            raise CommandError(str(exc)) from exc

    def print_list(self, plans: list[Plan]) -> None:
        width = max(len(plan.name) for plan in plans)
        for plan in plans:
            self.stdout.write(f"{plan.name:<{width}}  {plan.backend}")
            self.stdout.write(f"{'':<{width}}  {shlex.join(plan.argv)}")

    def print_dry_run(self, plans: list[Plan], output_format: str) -> None:
        for plan in plans:
            line = plan.json_line() if output_format == "json" else plan.shell_line()
            self.stdout.write(line)

    def run(self, plans: list[Plan], options: dict[str, Any]) -> None:
        try:
            launch.require_installed(plans)
        except launch.LaunchError as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from exc
        if os.name != "posix":
            raise CommandError("prodserver runs programs on POSIX systems only")
        if len(plans) == 1 and plans[0].can_exec and not options["spawn"]:
            self.exec(plans[0])
        else:
            self.supervise(plans, options["stop_timeout"])

    def exec(self, plan: Plan) -> None:
        from ...executor import exec_plan

        try:
            exec_plan(plan)
        except OSError as exc:
            raise CommandError(f"cannot start {plan.argv[0]}: {exc}") from exc

    def supervise(self, plans: list[Plan], stop_timeout: float | None) -> None:
        from ...executor import exec_supervisor

        try:
            exec_supervisor(plans, stop_timeout)
        except OSError as exc:
            raise CommandError(f"cannot start the supervisor: {exc}") from exc
