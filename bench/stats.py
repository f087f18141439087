"""Medians, paired ratios and the performance targets, from a run's raw results.

A run's results are plain JSON (``bench/.work/results.json``): lists of samples
per contender, each sample a dict with its ``round`` and either numbers or an
``error``. Values of one round are paired before they are combined, so that a
slow moment of the machine, which slows both, mostly cancels.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Sample = Mapping[str, Any]
Series = Sequence[Sample]
MiB = 2**20
#: The unit of a ratio.
TIMES = "\N{MULTIPLICATION SIGN}"


def successes(series: Series) -> list[Sample]:
    return [s for s in series if "error" not in s]


def values(series: Series, key: str) -> list[float]:
    return [float(s[key]) for s in successes(series) if s.get(key) is not None]


def median(series: Series, key: str) -> float | None:
    found = values(series, key)
    return statistics.median(found) if found else None


def paired(
    first: Series, second: Series, key: str, combine: Callable[[float, float], float]
) -> list[float]:
    """``combine(a, b)`` for each round in which both series have ``key``."""
    seconds = {s["round"]: s[key] for s in successes(second) if s.get(key) is not None}
    return [
        combine(float(s[key]), float(seconds[s["round"]]))
        for s in successes(first)
        if s.get(key) is not None and s["round"] in seconds
    ]


def errors(series: Series) -> list[str]:
    """The distinct error messages of a series, in order."""
    return list(dict.fromkeys(str(s["error"]) for s in series if "error" in s))


@dataclass(frozen=True)
class Goal:
    """One performance target and what this run measured for it."""

    name: str
    target: float
    unit: str  # TIMES for a ratio, "MiB" or "s"
    measured: float | None
    detail: str

    @property
    def met(self) -> bool | None:
        return None if self.measured is None else self.measured <= self.target

    def verdict(self) -> str:
        if self.measured is None:
            return "not measured"
        if self.met:
            return "met"
        over = self.measured - self.target
        if self.unit == TIMES:
            return f"missed by {over / self.target:.0%}"
        return f"missed by {over:.2f} {self.unit}".replace(".00 MiB", " MiB")


Format = Callable[[float | None], str]


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


def mib(size: float | None) -> str:
    return "n/a" if size is None else f"{size / MiB:.1f} MiB"


def ratio(first: float | None, second: float | None) -> float | None:
    return first / second if first is not None and second else None


def dry_run_goal(results: Mapping[str, Any]) -> Goal:
    runs = results.get("dry_run", {})
    ours, floor = runs.get("ours", []), runs.get("floor", [])
    ratios = paired(ours, floor, "time", lambda a, b: a / b)
    return Goal(
        "`--dry-run` time ÷ settings floor",
        1.15,
        TIMES,
        statistics.median(ratios) if ratios else None,
        f"{ms(median(ours, 'time'))} ÷ {ms(median(floor, 'time'))}",
    )


def floor_time(results: Mapping[str, Any]) -> float | None:
    return median(results.get("dry_run", {}).get("floor", []), "time")


def launch_goals(results: Mapping[str, Any]) -> list[Goal]:
    floor = floor_time(results)
    goals = []
    for server, runs in results.get("launch", {}).items():
        ours, bare = runs.get("ours", []), runs.get("bare", [])
        overheads = paired(ours, bare, "ready", lambda a, b: a - b)
        overhead = statistics.median(overheads) if overheads else None
        goals.append(
            Goal(
                f"exec launch: time to first 200 minus bare, ÷ floor ({server})",
                1.1,
                TIMES,
                ratio(overhead, floor),
                f"{ms(overhead)} ÷ {ms(floor)}",
            )
        )
    for server, runs in results.get("launch", {}).items():
        ours = median(runs.get("ours", []), "rss")
        published = median(runs.get("published", []), "rss")
        goals.append(
            Goal(
                f"RSS of the launched process ÷ published ({server})",
                0.6,
                TIMES,
                ratio(ours, published),
                f"{mib(ours)} ÷ {mib(published)}",
            )
        )
    return goals


def spawn_goal(results: Mapping[str, Any]) -> Goal:
    rss = median(results.get("spawn", []), "rss")
    return Goal(
        "spawn mode: supervising parent's RSS",
        15,
        "MiB",
        None if rss is None else rss / MiB,
        mib(rss),
    )


def slowest_single(results: Mapping[str, Any]) -> float | None:
    medians = [
        median(runs.get("ours", []), "ready")
        for runs in results.get("launch", {}).values()
    ]
    found = [m for m in medians if m is not None]
    return max(found) if found else None


def sum_of_singles(results: Mapping[str, Any]) -> float | None:
    medians = [
        median(runs.get("ours", []), "ready")
        for runs in results.get("launch", {}).values()
    ]
    return None if None in medians or not medians else sum(m or 0 for m in medians)


def several_goals(results: Mapping[str, Any]) -> list[Goal]:
    runs = results.get("several", {})
    ours, bare = runs.get("ours", []), runs.get("bare", [])
    ready, slowest = median(ours, "ready"), slowest_single(results)
    stop = median(ours, "stop")
    differences = paired(ours, bare, "ready", lambda a, b: a - b)
    overhead = statistics.median(differences) if differences else None
    return [
        Goal(
            "several processes: start to all ready ÷ slowest single",
            1.1,
            TIMES,
            ratio(ready, slowest),
            f"{ms(ready)} ÷ {ms(slowest)}; sum of the single launches "
            f"{ms(sum_of_singles(results))}; the bare programs started at once "
            f"{ms(median(bare, 'ready'))}, prodserver minus them {ms(overhead)}",
        ),
        Goal(
            "several processes: SIGTERM to all exited (idle)", 1.0, "s", stop, ms(stop)
        ),
    ]


def goals(results: Mapping[str, Any]) -> list[Goal]:
    return [
        dry_run_goal(results),
        *launch_goals(results),
        spawn_goal(results),
        *several_goals(results),
    ]
