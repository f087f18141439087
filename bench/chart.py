"""The benchmark's chart (``docs/benchmarks.png``), drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import stats

COLOURS = {"ours": "#2a7ab9", "bare": "#9aa5b1", "published": "#e07b39"}
LABELS = {
    "ours": "prodserver (ours)",
    "bare": "bare program / settings floor",
    "published": "published 3.0.0",
}
Groups = dict[str, dict[str, float | None]]


def launch_groups(results: Mapping[str, Any], key: str, scale: float) -> Groups:
    groups: Groups = {}
    for server, runs in results.get("launch", {}).items():
        groups[server] = {}
        for contender in COLOURS:
            value = stats.median(runs.get(contender, []), key)
            groups[server][contender] = None if value is None else value * scale
    return groups


def several_group(results: Mapping[str, Any], key: str, scale: float) -> Groups:
    runs = results.get("several", {})
    values = {c: stats.median(runs.get(c, []), key) for c in ("ours", "bare")}
    return {
        "all at once": {c: None if v is None else v * scale for c, v in values.items()}
    }


def panels(results: Mapping[str, Any]) -> list[tuple[str, Groups]]:
    dry = results.get("dry_run", {})
    dry_group: Groups = {
        "--dry-run": {
            "ours": scaled(stats.median(dry.get("ours", []), "time"), 1000),
            "bare": scaled(stats.median(dry.get("floor", []), "time"), 1000),
        }
    }
    spawn = results.get("spawn", [])
    spawn_rss: Groups = {
        "spawn parent": {"ours": scaled(stats.median(spawn, "rss"), 1 / stats.MiB)}
    }
    return [
        (
            "Time to first HTTP 200 (ms)",
            {
                **dry_group,
                **launch_groups(results, "ready", 1000),
                **several_group(results, "ready", 1000),
            },
        ),
        (
            "RSS of the launched process (MiB)",
            {**launch_groups(results, "rss", 1 / stats.MiB), **spawn_rss},
        ),
        (
            "PSS of the whole process tree (MiB)",
            launch_groups(results, "pss_tree", 1 / stats.MiB),
        ),
        (
            "SIGTERM to all exited (ms): request in flight; idle when all at once",
            {
                **launch_groups(results, "stop", 1000),
                **several_group(results, "stop", 1000),
            },
        ),
    ]


def scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def draw(axis: Any, title: str, groups: Groups) -> None:
    names = list(groups)
    width = 0.8 / len(COLOURS)
    for offset, contender in enumerate(COLOURS):
        xs = [i + (offset - 1) * width for i in range(len(names))]
        heights = [groups[name].get(contender) for name in names]
        bars = axis.bar(
            [x for x, h in zip(xs, heights, strict=True) if h is not None],
            [h for h in heights if h is not None],
            width,
            color=COLOURS[contender],
            label=LABELS[contender],
        )
        axis.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    axis.set_title(title, fontsize=10)
    axis.set_xticks(range(len(names)), names, fontsize=8)
    axis.tick_params(axis="y", labelsize=8)
    axis.margins(y=0.15)


def write_chart(results: Mapping[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(2, 2, figsize=(11, 7.5))
    flat: Sequence[Any] = axes.flatten()
    for axis, (title, groups) in zip(flat, panels(results), strict=True):
        draw(axis, title, groups)
    handles, labels = flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=9)
    meta = results.get("meta", {})
    figure.suptitle(
        f"django-prodserver benchmarks, {meta.get('date', '')}, "
        f"medians of {meta.get('rounds', '?')} rounds",
        fontsize=11,
    )
    figure.tight_layout(rect=(0, 0.05, 1, 0.97))
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
