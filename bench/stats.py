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
#: How many web servers the side-by-side figures start together.
SERVERS = 8


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
    unit: str  # TIMES for a ratio, "MiB", "s" or "lines"
    measured: float | None
    detail: str

    @property
    def shown(self) -> str:
        """The measured value with its unit (a count of lines as a whole number)."""
        if self.measured is None:
            return "n/a"
        places = 0 if self.unit == "lines" else 2
        return f"{self.measured:.{places}f} {self.unit}"

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
        text = f"missed by {over:.2f} {self.unit}"
        return text.replace(".00 MiB", " MiB").replace(".00 lines", " lines")


Format = Callable[[float | None], str]


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


def mib(size: float | None) -> str:
    return "n/a" if size is None else f"{size / MiB:.1f} MiB"


def times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} {TIMES}"


def divide(first: float, second: float) -> float:
    return first / second


def ratio(first: float | None, second: float | None) -> float | None:
    return first / second if first is not None and second else None


#: How the goals and tables name each way of starting prodserver.
ENTRY_POINTS = {"ours": "manage.py prodserver", "script": "prodserver script"}
#: ``--dry-run`` time ÷ the settings floor, at most.
DRY_RUN_TARGETS = {"ours": 1.15, "script": 0.5}
#: Exec launch: time to first 200 minus the bare program's, ÷ the floor, at most.
OVERHEAD_TARGETS = {"ours": 1.1, "script": 0.5}
#: Time to first 200, the console script ÷ the published package's, at most,
#: for the servers that 3.0.0 starts with the same options (it runs granian
#: through its Python API, with the options it maps).
SCRIPT_VS_PUBLISHED = {"gunicorn": 1.3}


def paired_median(
    first: Series, second: Series, key: str, combine: Callable[[float, float], float]
) -> float | None:
    found = paired(first, second, key, combine)
    return statistics.median(found) if found else None


def dry_run_goals(results: Mapping[str, Any]) -> list[Goal]:
    runs = results.get("dry_run", {})
    floor = runs.get("floor", [])
    goals = []
    for contender, target in DRY_RUN_TARGETS.items():
        series = runs.get(contender, [])
        goals.append(
            Goal(
                f"`--dry-run` time ÷ settings floor ({ENTRY_POINTS[contender]})",
                target,
                TIMES,
                paired_median(series, floor, "time", lambda a, b: a / b),
                f"{ms(median(series, 'time'))} ÷ {ms(median(floor, 'time'))}",
            )
        )
    return goals


def floor_time(results: Mapping[str, Any]) -> float | None:
    return median(results.get("dry_run", {}).get("floor", []), "time")


def overhead_goals(results: Mapping[str, Any]) -> list[Goal]:
    """Exec launch: what each entry point adds to the bare program's first 200."""
    floor = floor_time(results)
    goals = []
    for contender, target in OVERHEAD_TARGETS.items():
        for server, runs in results.get("launch", {}).items():
            overhead = paired_median(
                runs.get(contender, []),
                runs.get("bare", []),
                "ready",
                lambda a, b: a - b,
            )
            goals.append(
                Goal(
                    f"exec launch: time to first 200 minus bare, ÷ floor "
                    f"({ENTRY_POINTS[contender]}, {server})",
                    target,
                    TIMES,
                    ratio(overhead, floor),
                    f"{ms(overhead)} ÷ {ms(floor)}",
                )
            )
    return goals


def launch_goals(results: Mapping[str, Any]) -> list[Goal]:
    goals = overhead_goals(results)
    for server, target in SCRIPT_VS_PUBLISHED.items():
        runs = results.get("launch", {}).get(server, {})
        script, published = runs.get("script", []), runs.get("published", [])
        bare = paired_median(runs.get("bare", []), published, "ready", divide)
        # The bare program's own ratio says how much of it is the program's.
        goals.append(
            Goal(
                f"time to first 200, prodserver script ÷ published ({server})",
                target,
                TIMES,
                paired_median(script, published, "ready", divide),
                f"{ms(median(script, 'ready'))} ÷ {ms(median(published, 'ready'))}; "
                f"the bare program ÷ published {times(bare)}",
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


def single_medians(results: Mapping[str, Any], contender: str) -> list[float | None]:
    return [
        median(runs.get(contender, []), "ready")
        for runs in results.get("launch", {}).values()
    ]


def slowest_single(results: Mapping[str, Any], contender: str = "ours") -> float | None:
    found = [m for m in single_medians(results, contender) if m is not None]
    return max(found) if found else None


def sum_of_singles(results: Mapping[str, Any], contender: str = "ours") -> float | None:
    medians = single_medians(results, contender)
    return None if None in medians or not medians else sum(m or 0 for m in medians)


def several_goals(results: Mapping[str, Any]) -> list[Goal]:
    runs = results.get("several", {})
    bare = runs.get("bare", [])
    goals = []
    for contender, entry_point in ENTRY_POINTS.items():
        series = runs.get(contender, [])
        ready, slowest = median(series, "ready"), slowest_single(results, contender)
        overhead = paired_median(series, bare, "ready", lambda a, b: a - b)
        goals.append(
            Goal(
                f"several processes: start to all ready ÷ slowest single "
                f"({entry_point})",
                1.1,
                TIMES,
                ratio(ready, slowest),
                f"{ms(ready)} ÷ {ms(slowest)}; sum of the single launches "
                f"{ms(sum_of_singles(results, contender))}; the bare programs "
                f"started at once {ms(median(bare, 'ready'))}, prodserver minus "
                f"them {ms(overhead)}",
            )
        )
    stop = median(runs.get("ours", []), "stop")
    goals.append(
        Goal(
            "several processes: SIGTERM to all exited (idle)", 1.0, "s", stop, ms(stop)
        )
    )
    return goals


def side_by_side_goals(results: Mapping[str, Any]) -> list[Goal]:
    """prodserver against the bare programs, honcho and ``cat`` on the same work."""
    runs = results.get("side_by_side", {})
    eight, flood = runs.get("eight", {}), runs.get("flood", {})
    ours, bare, honcho = (eight.get(k, []) for k in ("prodserver", "bare", "honcho"))
    rss, pss = median(ours, "rss_manager"), median(ours, "pss_manager")
    streams, cat = flood.get("prodserver", []), flood.get("cat", [])
    lost = values(streams, "lost")
    return [
        Goal(
            f"{SERVERS} web servers: start to all ready ÷ the bare programs",
            1.1,
            TIMES,
            paired_median(ours, bare, "ready", divide),
            f"{ms(median(ours, 'ready'))} ÷ {ms(median(bare, 'ready'))}",
        ),
        Goal(
            f"{SERVERS} web servers: start to all ready ÷ honcho",
            1.0,
            TIMES,
            paired_median(ours, honcho, "ready", divide),
            f"{ms(median(ours, 'ready'))} ÷ {ms(median(honcho, 'ready'))}",
        ),
        Goal(
            f"{SERVERS} web servers: SIGTERM to all exited ÷ the bare programs",
            1.0,
            TIMES,
            paired_median(ours, bare, "stop", divide),
            f"{ms(median(ours, 'stop'))} ÷ {ms(median(bare, 'stop'))}",
        ),
        Goal(
            f"{SERVERS} web servers: RSS of the supervisor and its watchdog",
            15,
            "MiB",
            None if rss is None else rss / MiB,
            f"{mib(rss)} (PSS {mib(pss)})",
        ),
        Goal(
            "two floods of 50 MB of lines through prodserver: time ÷ `cat`'s "
            "(at most 1: the throughput of `cat` or more)",
            1.0,
            TIMES,
            paired_median(streams, cat, "time", divide),
            f"{ms(median(streams, 'time'))} ÷ {ms(median(cat, 'time'))}",
        ),
        Goal(
            "two floods of 50 MB of lines through prodserver: lines lost "
            "(most in a round)",
            0,
            "lines",
            max(lost) if lost else None,
            f"{len(lost)} rounds",
        ),
    ]


def goals(results: Mapping[str, Any]) -> list[Goal]:
    return [
        *dry_run_goals(results),
        *launch_goals(results),
        spawn_goal(results),
        *several_goals(results),
        *side_by_side_goals(results),
    ]
