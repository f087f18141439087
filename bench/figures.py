"""The benchmark's rounds: every figure's contenders measured side by side.

Each round runs every contender once, in an order rotated from round to round,
so that a slow moment of the machine falls on each of them in turn; the report
pairs the samples of one round (ratios, differences) and takes medians.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from .contenders import CONTENDERS, SERVERS, Command, Setup, prodserver, script
from .measure import Failure, Sample, measure_launch, time_to_exit

T = TypeVar("T")
Series = list[Sample]


def rotated(items: Sequence[T], round_index: int) -> list[T]:
    """``items`` starting at position ``round_index`` (mod their number)."""
    shift = round_index % len(items)
    return [*items[shift:], *items[:shift]]


def gave_up(samples: Series) -> bool:
    """Stop retrying a contender that failed twice without ever succeeding."""
    errors = sum(1 for s in samples if "error" in s)
    return errors >= 2 and errors == len(samples)


def report(figure: str, label: str, sample: Sample) -> None:
    if "error" in sample:
        text = f"error: {sample['error']}"
    else:
        parts = [
            f"{key} {value:.3f}s" if isinstance(value, float) else f"{key} {value}"
            for key, value in sample.items()
            if key in {"time", "ready", "stop", "inflight"}
        ]
        rss, manager = sample.get("rss"), sample.get("rss_manager")
        if isinstance(rss, int):
            parts.append(f"rss {rss / 2**20:.1f}MiB")
        if isinstance(manager, int) and manager != rss:
            parts.append(f"with the watchdog {manager / 2**20:.1f}MiB")
        pss = sample.get("pss_manager")
        if isinstance(pss, int):
            parts.append(f"pss {pss / 2**20:.1f}MiB")
        text = ", ".join(parts)
    print(f"  {figure:<8} {label:<24} {text}", flush=True)


def timed_run(command: Command) -> Sample:
    try:
        return {"time": time_to_exit(command)}
    except (Failure, subprocess.SubprocessError, OSError) as exc:
        return {"error": str(exc)}


def warm_up(setup: Setup) -> None:
    """Untimed: write bytecode caches and bring the servers' files into memory."""
    imports = "import django, gunicorn.app.wsgiapp, uvicorn.main, granian"
    pythons = {
        command.argv[0]
        for commands in setup.launches.values()
        for name, command in commands.items()
        if name in {"ours", "published"}
    }
    for python in sorted(pythons | {setup.python}):
        subprocess.run([python, "-c", imports], capture_output=True, check=False)
    for command in [
        setup.floor,
        setup.dry_run,
        setup.script_dry_run,
        setup.settings_only,
    ]:
        timed_run(command)


def dry_run(setup: Setup, rounds: int) -> dict[str, Series]:
    """``prodserver NAME --dry-run`` and ``prodserver --list``, through
    ``manage.py`` and the console script, against ``import django;
    django.setup()``."""
    commands = {
        "floor": setup.floor,
        "ours": setup.dry_run,
        "list": prodserver(setup.python, "--list"),
        "script": setup.script_dry_run,
        "script_list": script(setup.python, "--list"),
        "settings_only": setup.settings_only,
    }
    results: dict[str, Series] = {name: [] for name in commands}
    for index in range(rounds):
        for name in rotated(list(commands), index):
            results[name].append({"round": index, **timed_run(commands[name])})
    for name, series in results.items():
        report("dry-run", name, series[-1])
    return results


def launches(setup: Setup, rounds: int, logs: Path) -> dict[str, dict[str, Series]]:
    """Each server started by each contender: time to 200, memory, stop in flight."""
    results: dict[str, dict[str, Series]] = {
        s.name: {c: [] for c in CONTENDERS} for s in SERVERS
    }
    for index in range(rounds):
        print(f"launch round {index + 1}/{rounds}", flush=True)
        for server in rotated(SERVERS, index):
            for contender in rotated(CONTENDERS, index):
                command = setup.command(server.name, contender)
                series: Series = results[server.name][contender]
                if command is None or gave_up(series):
                    continue
                sample = measure_launch(
                    [command],
                    [setup.url(server.name)],
                    logs / f"{server.name}-{contender}",
                    slow_url=setup.url(server.name, server.slow_path),
                )
                series.append({"round": index, **sample})
                report("launch", f"{server.name} {contender}", sample)
    return results


def spawn(setup: Setup, rounds: int, logs: Path) -> Series:
    """``prodserver gunicorn --spawn``: the supervising parent's memory and stop."""
    server = SERVERS[0]
    if setup.command(server.name, "ours") is None:
        setup.unavailable["spawn/ours"] = setup.why_missing(server.name, "ours")
        return []
    command = prodserver(setup.python, server.name, "--spawn")
    series: Series = []
    for index in range(rounds):
        if gave_up(series):
            break
        sample = measure_launch(
            [command],
            [setup.url(server.name)],
            logs / "spawn",
            slow_url=setup.url(server.name, server.slow_path),
        )
        series.append({"round": index, **sample})
        report("spawn", server.name, sample)
    return series


def several(setup: Setup, rounds: int, logs: Path) -> dict[str, Series]:
    """Every available server at once: ``prodserver A B C`` (through
    ``manage.py`` and the console script) against the bare programs started
    together by the benchmark."""
    names = [s.name for s in SERVERS if setup.command(s.name, "ours")]
    if len(names) < 2:
        for contender in ("ours", "script", "bare"):
            setup.unavailable[f"several/{contender}"] = (
                "needs two of our web backends; this branch has "
                + (", ".join(names) or "none")
            )
        return {}
    urls = [setup.url(name) for name in names]
    commands = {
        "ours": [prodserver(setup.python, *names)],
        "script": [script(setup.python, *names)],
        "bare": [c for c in (setup.command(n, "bare") for n in names) if c],
    }
    results: dict[str, Series] = {name: [] for name in commands}
    for index in range(rounds):
        for name in rotated(list(commands), index):
            if gave_up(results[name]):
                continue
            sample = measure_launch(commands[name], urls, logs / f"several-{name}")
            results[name].append({"round": index, "names": len(names), **sample})
            report("several", f"{'+'.join(names)} {name}", sample)
    return results
