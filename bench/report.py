"""Write a run's results into ``docs/benchmarks.md``: tables and a chart.

Only the part between the two markers below is rewritten; the prose around it
(what the figures mean, what is left on the launch path) is kept.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import stats
from .stats import Format, mib, ms

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
CHART = DOC.with_name("benchmarks.png")
SIDE_CHART = DOC.with_name("benchmarks-side-by-side.png")
CONTENDERS = ("ours", "script", "bare", "published")
HEADERS = (
    "`manage.py prodserver`",
    "`prodserver` script",
    "bare program",
    "prodserver 3.0.0",
)


def private(text: str) -> str:
    """Text without this machine's paths (the checkout, the home directory)."""
    root = str(Path(__file__).resolve().parent.parent)
    return (
        text.replace(root + os.sep, "")
        .replace(root, ".")
        .replace(os.path.expanduser("~"), "~")
    )


class Notes:
    """Footnotes for cells that hold no number: why not."""

    def __init__(self, results: Mapping[str, Any]) -> None:
        self.unavailable: Mapping[str, str] = results.get("unavailable", {})
        self.texts: list[str] = []

    def mark(self, text: str) -> str:
        text = private(text)
        if text not in self.texts:
            self.texts.append(text)
        return f"[^{self.texts.index(text) + 1}]"

    def missing(self, key: str, contender: str) -> str:
        why = self.unavailable.get(f"{key}/{contender}") or self.unavailable.get(
            contender, "not measured in this run"
        )
        return "n/a" + self.mark(f"not available: {why}")

    def cell(self, series: stats.Series, key: str, fmt: Format, where: str) -> str:
        """The median of ``key``, or why there is none, as a footnote."""
        value, failed = stats.median(series, key), stats.errors(series)
        if value is not None:
            return fmt(value) + (
                self.mark(f"some runs failed: {failed[0]}") if failed else ""
            )
        if failed:
            return "error" + self.mark(failed[0])
        return self.missing(*where.split("/"))

    def footer(self) -> list[str]:
        return [f"[^{i}]: {text}" for i, text in enumerate(self.texts, 1)]


def ratio_table(results: Mapping[str, Any]) -> list[str]:
    """What prodserver adds, as ratios of paired rounds (the targets the
    maintainers hold these to are printed by ``python -m bench``, not here)."""
    lines = ["| what | measured | from the medians |", "|---|---|---|"]
    for goal in stats.goals(results):
        lines.append(f"| {goal.name} | {goal.shown} | {goal.detail} |")
    return lines


def inflight_cell(series: stats.Series) -> str:
    answered = [s.get("inflight") for s in stats.successes(series)]
    if not answered:
        return ""
    ok = sum(1 for status in answered if status == 200)
    return f" ({ok}/{len(answered)} got 200)"


LAUNCH_ROWS = (
    ("time to first HTTP 200", "ready", ms),
    ("RSS of the launched process", "rss", mib),
    ("RSS of the whole tree", "rss_tree", mib),
    ("PSS of the whole tree", "pss_tree", mib),
    ("SIGTERM to all exited, 1-s request in flight", "stop", ms),
)


def figure_table(results: Mapping[str, Any], notes: Notes) -> list[str]:
    lines = [
        f"| figure | server | {' | '.join(HEADERS)} |",
        "|---|---|---|---|---|---|",
    ]
    runs = results.get("dry_run", {})

    def cell(name: str) -> str:
        return notes.cell(runs.get(name, []), "time", ms, f"dry_run/{name}")

    floor = cell("floor")
    lines += [
        f"| `prodserver gunicorn --dry-run` (bare: `django.setup()`, the settings "
        f"floor) | — | {cell('ours')} | {cell('script')} | {floor} | — |",
        f"| `prodserver --list` (every process) | all | {cell('list')} | "
        f"{cell('script_list')} | {floor} | — |",
        f"| the settings and prodserver's modules, imported, nothing run | — | — | "
        f"{cell('settings_only')} | {floor} | — |",
    ]
    for label, key, fmt in LAUNCH_ROWS:
        for server, by_contender in results.get("launch", {}).items():
            cells = []
            for contender in CONTENDERS:
                series = by_contender.get(contender, [])
                cell = notes.cell(series, key, fmt, f"{server}/{contender}")
                if key == "stop":
                    cell += inflight_cell(series)
                cells.append(cell)
            lines.append(f"| {label} | {server} | {' | '.join(cells)} |")
    lines += spawn_rows(results, notes) + several_rows(results, notes)
    return lines


def spawn_rows(results: Mapping[str, Any], notes: Notes) -> list[str]:
    series = results.get("spawn", [])
    rows = (
        ("`--spawn`: time to first HTTP 200", "ready", ms),
        ("`--spawn`: RSS of the supervising parent", "rss", mib),
        ("`--spawn`: SIGTERM to all exited, request in flight", "stop", ms),
    )
    lines = []
    for label, key, fmt in rows:
        cell = notes.cell(series, key, fmt, "spawn/ours")
        if key == "stop":
            cell += inflight_cell(series)
        lines.append(f"| {label} | gunicorn | {cell} | — | — | — |")
    return lines


def several_rows(results: Mapping[str, Any], notes: Notes) -> list[str]:
    runs = results.get("several", {})
    names = "all three"
    rows = (
        ("several at once: start to all ready", "ready", ms),
        ("several at once: SIGTERM to all exited, idle", "stop", ms),
        ("several at once: RSS of the launched process(es)", "rss", mib),
    )
    published = notes.mark("the published package starts one process per command")
    lines = []
    for label, key, fmt in rows:
        cells = [
            notes.cell(runs.get(contender, []), key, fmt, f"several/{contender}")
            for contender in ("ours", "script", "bare")
        ]
        lines.append(f"| {label} | {names} | {' | '.join(cells)} | n/a{published} |")
    return lines


SIDE_HEADERS = ("prodserver", "bare programs, `cat`", "honcho", "supervisord")
#: The contenders of each side-by-side figure, in the order of the columns.
SIDE_COLUMNS = {
    "eight": ("prodserver", "bare", "honcho", "supervisord"),
    "flood": ("prodserver", "cat", "honcho", "supervisord"),
}
FLOODS = "two floods of 50 MB of lines"
SIDE_ROWS: tuple[tuple[str, str, str, Format], ...] = (
    (f"{stats.SERVERS} gunicorns, 1 worker each: start to all answering", "eight",
     "ready", ms),
    (f"{stats.SERVERS} gunicorns: SIGTERM to all exited", "eight", "stop", ms),
    (f"{stats.SERVERS} gunicorns: RSS of the manager", "eight", "rss_manager", mib),
    (f"{stats.SERVERS} gunicorns: PSS of the manager", "eight", "pss_manager", mib),
    (f"{FLOODS}: first to last byte", "flood", "time", ms),
)  # fmt: skip


def side_by_side_table(results: Mapping[str, Any], notes: Notes) -> list[str]:
    """prodserver, the bare programs (or ``cat``), honcho and supervisord on
    the same work (``bench/side_by_side.py``)."""
    runs = results.get("side_by_side", {})
    if not runs:
        return []
    unavailable = runs.get("unavailable", {})

    def cell(figure: str, name: str, key: str, fmt: Format) -> str:
        why = unavailable.get(name) or unavailable.get(figure)
        if why:
            return "n/a" + notes.mark(why)
        if key in {"rss_manager", "pss_manager"} and name == "bare":
            return "—"
        return notes.cell(runs[figure].get(name, []), key, fmt, f"{figure}/{name}")

    lines = [f"| figure | {' | '.join(SIDE_HEADERS)} |", "|---|---|---|---|---|"]
    for label, figure, key, fmt in SIDE_ROWS:
        cells = [cell(figure, name, key, fmt) for name in SIDE_COLUMNS[figure]]
        lines.append(f"| {label} | {' | '.join(cells)} |")
    flood = runs.get("flood", {})
    lost = [most_lost(flood.get(name, [])) for name in SIDE_COLUMNS["flood"]]
    speed = [throughput(flood, name) for name in SIDE_COLUMNS["flood"]]
    lines += [
        f"| {FLOODS}: throughput ÷ `cat`'s | {' | '.join(speed)} |",
        f"| {FLOODS}: numbered lines lost or cut, most in a round | "
        f"{' | '.join(lost)} |",
    ]
    rss = notes.mark(
        "The manager's RSS and PSS: prodserver's supervisor and its watchdog "
        "together (RSS counts the pages they share twice, PSS once); honcho's "
        "and supervisord's own process."
    )
    return [f"### Side by side with honcho and supervisord{rss}", "", *lines, ""]


def throughput(flood: Mapping[str, Any], name: str) -> str:
    """``cat``'s time ÷ the contender's, paired by round."""
    value = stats.paired_median(
        flood.get("cat", []), flood.get(name, []), "time", stats.divide
    )
    return stats.times(value)


def most_lost(series: stats.Series) -> str:
    lost = stats.values(series, "lost")
    return f"{max(lost):.0f}" if lost else "n/a"


def versions_table(results: Mapping[str, Any]) -> list[str]:
    versions = results.get("versions", {})
    ours, published = versions.get("ours", {}), versions.get("published", {})
    lines = ["| package | our virtualenv | published package's virtualenv |"]
    lines.append("|---|---|---|")
    for name in ours:
        lines.append(f"| {name} | {ours[name]} | {published.get(name, 'n/a')} |")
    return lines


def machine_lines(results: Mapping[str, Any]) -> list[str]:
    meta = results.get("meta", {})
    load = meta.get("load", {})
    return [
        f"Measured {meta.get('date', '?')} with {meta.get('rounds', '?')} rounds "
        f"(dry runs: {meta.get('dry_rounds', '?')}), medians shown. "
        f"Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, "
        f"{meta.get('memory', '?')} RAM, {meta.get('os', '?')}, "
        f"Python {meta.get('python', '?')}; load average "
        f"{load.get('before', '?')} before, {load.get('after', '?')} after; "
        f"took {meta.get('duration', '?')}.",
        "",
        f"Reproduce with `{meta.get('command', 'make bench')}`.",
    ]


def imports_lines(results: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, what in (
        (
            "imports",
            "`manage.py prodserver gunicorn --dry-run` imports beyond `django.setup()`",
        ),
        (
            "script_imports",
            "the `prodserver gunicorn --dry-run` console script "
            "imports beyond a bare interpreter",
        ),
    ):
        imports: Sequence[Sequence[Any]] = results.get(key, [])
        if not imports:
            continue
        total = sum(int(us) for _, us in imports) / 1000
        top = ", ".join(f"`{name}` {int(us) / 1000:.1f}" for name, us in imports[:10])
        lines += [
            "",
            f"Modules that {what} (`-X importtime`, self times in ms, the fastest "
            f"of three runs): {len(imports)} modules, {total:.1f} ms; the largest: "
            f"{top}.",
        ]
    return lines


def markdown(results: Mapping[str, Any]) -> str:
    notes = Notes(results)
    figures = figure_table(results, notes)
    lines = [
        *machine_lines(results),
        "",
        "### Ratios",
        "",
        *ratio_table(results),
        "",
        "### Every figure",
        "",
        *figures,
        *imports_lines(results),
        "",
        *side_by_side_table(results, notes),
        "### Versions",
        "",
        *versions_table(results),
        "",
        *notes.footer(),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_doc(results: Mapping[str, Any], doc: Path = DOC) -> None:
    """Replace the part of ``doc`` between the markers with this run's tables."""
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{START}\n{markdown(results)}{END}{tail}")
