"""The benchmark's chart (``docs/benchmarks.png``), drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import stats

COLOURS = {
    "ours": "#2a7ab9",
    "script": "#53a548",
    "bare": "#9aa5b1",
    "published": "#e07b39",
}
LABELS = {
    "ours": "manage.py prodserver",
    "script": "prodserver script",
    "bare": "bare program / django.setup()",
    "published": "prodserver 3.0.0",
}
#: The side-by-side chart's contenders (the bare programs, or ``cat``).
SIDE_COLOURS = {
    "prodserver": "#2a7ab9",
    "bare": "#9aa5b1",
    "honcho": "#8e5fb0",
    "supervisord": "#e07b39",
}
SIDE_LABELS = {
    "prodserver": "prodserver",
    "bare": "bare programs; for output, cat",
    "honcho": "honcho",
    "supervisord": "supervisord",
}
#: How each panel's bars are labelled: whole milliseconds, MiB to the tenth,
#: ratios to the hundredth.
FORMATS = {"ms": "%.0f", "MiB": "%.1f", stats.TIMES: "%.2f"}
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
    values = {c: stats.median(runs.get(c, []), key) for c in ("ours", "script", "bare")}
    return {
        "all at once": {c: None if v is None else v * scale for c, v in values.items()}
    }


def panels(results: Mapping[str, Any]) -> list[tuple[str, Groups]]:
    dry = results.get("dry_run", {})
    dry_group: Groups = {
        "--dry-run": {
            "ours": scaled(stats.median(dry.get("ours", []), "time"), 1000),
            "script": scaled(stats.median(dry.get("script", []), "time"), 1000),
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


def draw(
    axis: Any,
    title: str,
    groups: Groups,
    colours: Mapping[str, str] = COLOURS,
    labels: Mapping[str, str] = LABELS,
) -> None:
    names = list(groups)
    width = 0.8 / len(colours)
    for offset, contender in enumerate(colours):
        xs = [i + (offset - (len(colours) - 1) / 2) * width for i in range(len(names))]
        heights = [groups[name].get(contender) for name in names]
        bars = axis.bar(
            [x for x, h in zip(xs, heights, strict=True) if h is not None],
            [h for h in heights if h is not None],
            width,
            color=colours[contender],
            label=labels[contender],
        )
        unit = next((u for u in FORMATS if f"({u})" in title), "ms")
        fmt = FORMATS[unit]
        axis.bar_label(bars, fmt=fmt, fontsize=FONT - 2, padding=2)
    axis.set_title(title, fontsize=FONT + 1, loc="left")
    axis.set_xticks(range(len(names)), names, fontsize=FONT)
    axis.tick_params(axis="y", labelsize=FONT - 2)
    axis.spines[["top", "right"]].set_visible(False)
    axis.margins(y=0.18)


def side_by_side_panels(results: Mapping[str, Any]) -> list[tuple[str, Groups]]:
    """prodserver, the bare programs (``cat``), honcho and supervisord."""
    runs = results.get("side_by_side", {})
    eight, flood = runs.get("eight", {}), runs.get("flood", {})

    def group(label: str, key: str, scale: float) -> Groups:
        """The medians of ``key``; no manager's memory for the bare programs."""
        return {
            label: {
                name: None
                if key == "rss_manager" and name == "bare"
                else scaled(stats.median(eight.get(name, []), key), scale)
                for name in SIDE_COLOURS
            }
        }

    cat = flood.get("cat", [])
    speed = {
        name: stats.paired_median(cat, flood.get(other, []), "time", stats.divide)
        for name, other in zip(SIDE_COLOURS, FLOOD_CONTENDERS, strict=True)
    }
    n = stats.SERVERS
    return [
        (f"{n} gunicorns: start to all answering (ms)", group("start", "ready", 1000)),
        (f"{n} gunicorns: SIGTERM to all exited (ms)", group("stop", "stop", 1000)),
        (
            f"{n} gunicorns: RSS of the manager (MiB)",
            group("manager", "rss_manager", 1 / stats.MiB),
        ),
        (
            f"Two floods of 50 MB of lines: throughput ÷ cat's ({stats.TIMES})",
            {"output": speed},
        ),
    ]


#: The output figure's contender for each column of the side-by-side chart.
FLOOD_CONTENDERS = ("prodserver", "cat", "honcho", "supervisord")


def write_side_by_side_chart(results: Mapping[str, Any], path: Path) -> None:
    """The side-by-side figures, one panel each, in a chart of their own."""
    if not results.get("side_by_side"):
        return
    write_chart(
        results,
        path,
        side_by_side_panels(results),
        SIDE_COLOURS,
        SIDE_LABELS,
        "prodserver, honcho and supervisord",
    )


def write_chart(
    results: Mapping[str, Any],
    path: Path,
    shown: Sequence[tuple[str, Groups]] | None = None,
    colours: Mapping[str, str] = COLOURS,
    labels: Mapping[str, str] = LABELS,
    title: str = "django-prodserver benchmarks",
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    shown = panels(results) if shown is None else shown
    figure, axes = pyplot.subplots(
        len(shown),
        1,
        figsize=(WIDTH_INCHES, PANEL_INCHES * len(shown) + 1.2),
        layout="constrained",
    )
    flat: Sequence[Any] = axes.flatten()
    for axis, (panel, groups) in zip(flat, shown, strict=True):
        draw(axis, panel, groups, colours, labels)
    handles, labels = flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=FONT)
    meta = results.get("meta", {})
    figure.suptitle(
        f"{title}, {meta.get('date', '')}, medians of {meta.get('rounds', '?')} rounds",
        fontsize=FONT + 1,
    )
    figure.savefig(path, dpi=DPI)
    pyplot.close(figure)
