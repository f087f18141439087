"""``python -m bench``: run every figure, save the results, rewrite the docs.

``make bench`` runs it with the default rounds; ``--rounds 1`` is a smoke run,
``--report-only`` rewrites the docs from the last saved results.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from . import (
    chart,
    contenders,
    figures,
    launch_profile,
    report,
    side_by_side,
    stats,
    workspace,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of each figure (default 5)"
    )
    parser.add_argument(
        "--dry-rounds",
        type=int,
        default=None,
        help="rounds of the dry-run figure (default: 4 times --rounds)",
    )
    parser.add_argument(
        "--no-published",
        action="store_true",
        help="do not install or measure the published package",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite the docs from the last run's results, measure nothing",
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="measure and save, leave the docs alone"
    )
    return parser.parse_args(argv)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip().strip('"')
                return f"{name}, Linux {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def machine(rounds: int, dry_rounds: int, command: str) -> dict[str, Any]:
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
        "rounds": rounds,
        "dry_rounds": dry_rounds,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "os": os_name(),
        "python": platform.python_version(),
        "load": {"before": load()},
        "command": command,
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    dry_rounds = args.dry_rounds or 4 * args.rounds
    command = "make bench" if args.rounds == 5 else f"make bench ROUNDS={args.rounds}"
    results: dict[str, Any] = {"meta": machine(args.rounds, dry_rounds, command)}
    started = time.monotonic()
    shutil.rmtree(workspace.LOGS, ignore_errors=True)
    setup = contenders.prepare(with_published=not args.no_published)
    for what, why in setup.unavailable.items():
        print(f"bench: {what} not available: {report.private(why)}", flush=True)
    for name, versions in setup.versions.items():
        listed = ", ".join(f"{k} {v}" for k, v in versions.items())
        print(f"bench: {name}: {listed}", flush=True)
    figures.warm_up(setup)
    results["dry_run"] = figures.dry_run(setup, dry_rounds)
    results["launch"] = figures.launches(setup, args.rounds, workspace.LOGS)
    results["spawn"] = figures.spawn(setup, args.rounds, workspace.LOGS)
    results["several"] = figures.several(setup, args.rounds, workspace.LOGS)
    results["side_by_side"] = side_by_side.run(setup, args.rounds, workspace.LOGS)
    results["imports"] = launch_profile.extra_imports(setup)
    results["script_imports"] = launch_profile.script_imports(setup)
    results["unavailable"] = setup.unavailable
    results["versions"] = setup.versions
    results["meta"]["load"]["after"] = load()
    results["meta"]["duration"] = f"{time.monotonic() - started:.0f} s"
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report_only:
        results = json.loads(workspace.RESULTS.read_text())
    else:
        try:
            results = measure(args)
        except workspace.SetupError as exc:
            print(f"bench: {report.private(str(exc))}", file=sys.stderr)
            return 1
        workspace.RESULTS.write_text(json.dumps(results, indent=1))
    for goal in stats.goals(results):
        target = f"≤ {goal.target:g} {goal.unit}"
        print(f"goal: {goal.name}: {goal.shown} ({target}): {goal.verdict()}")
    if not args.no_docs:
        chart.write_chart(results, report.CHART)
        chart.write_side_by_side_chart(results, report.SIDE_CHART)
        report.write_doc(results)
        print(f"bench: wrote {report.DOC.relative_to(workspace.ROOT)} and its charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
