"""The benchmark's chart (``docs/benchmarks.png``), drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import stats

COLOURS = {"ours": "#2a7ab9", "bare": "#9aa5b1", "published": "#e07b39"}
LABELS = {
    "ours": "prodserver 4",
    "bare": "bare program / django.setup()",
    "published": "prodserver 3.0.0",
}
#: How each panel's bars are labelled: whole milliseconds, MiB to the tenth.
FORMATS = {"ms": "%.0f", "MiB": "%.1f"}
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
            "Time to first HTTP 200 (ms); for --dry-run, until it exits",
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
            "SIGTERM to all exited (ms): a request in flight; idle when all at once",
            {
                **launch_groups(results, "stop", 1000),
                **several_group(results, "stop", 1000),
            },
        ),
    ]


def scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


# The chart is shown at the width of the documentation's text, about 740 px:
# one panel per row, drawn at 150 dpi on an 8-inch-wide figure (1200 px), so the
# page scales it by about 0.6 and 12-point text stays about 15 px high there.
WIDTH_INCHES = 8.0
PANEL_INCHES = 3.1
DPI = 150
FONT = 12


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
        fmt = FORMATS["MiB"] if "(MiB)" in title else FORMATS["ms"]
        axis.bar_label(bars, fmt=fmt, fontsize=FONT - 2, padding=2)
    axis.set_title(title, fontsize=FONT + 1, loc="left")
    axis.set_xticks(range(len(names)), names, fontsize=FONT)
    axis.tick_params(axis="y", labelsize=FONT - 2)
    axis.spines[["top", "right"]].set_visible(False)
    axis.margins(y=0.18)


def write_chart(results: Mapping[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    shown = panels(results)
    figure, axes = pyplot.subplots(
        len(shown),
        1,
        figsize=(WIDTH_INCHES, PANEL_INCHES * len(shown) + 1.2),
        layout="constrained",
    )
    flat: Sequence[Any] = axes.flatten()
    for axis, (title, groups) in zip(flat, shown, strict=True):
        draw(axis, title, groups)
    handles, labels = flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=FONT)
    meta = results.get("meta", {})
    figure.suptitle(
        f"django-prodserver benchmarks, {meta.get('date', '')}, "
        f"medians of {meta.get('rounds', '?')} rounds",
        fontsize=FONT + 1,
    )
    figure.savefig(path, dpi=DPI)
    pyplot.close(figure)
