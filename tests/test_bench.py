"""The benchmark's own logic (``bench/``): no timing here, only its arithmetic,
the published package's ARGS, the packages its virtualenvs get and the docs it
rewrites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import contenders, figures, report, side_by_side, stats, workspace
from django_prodserver.backends import programs


def test_published_args_give_the_same_long_options() -> None:
    argv = [
        "/venv/bin/gunicorn",
        "--bind=127.0.0.1:8000",
        "--workers=1",
        "--preload",
        "-k",
        "sync",
        "mysite.wsgi:application",
    ]
    assert contenders.published_args(argv) == {
        "bind": "127.0.0.1:8000",
        "workers": "1",
        "preload": None,
    }


def test_rounds_rotate_the_order_of_contenders() -> None:
    orders = [figures.rotated(["a", "b", "c"], index) for index in range(4)]
    assert orders == [
        ["a", "b", "c"],
        ["b", "c", "a"],
        ["c", "a", "b"],
        ["a", "b", "c"],
    ]


def test_paired_values_come_from_the_same_round() -> None:
    ours = [
        {"round": 0, "ready": 1.5},
        {"round": 1, "error": "x"},
        {"round": 2, "ready": 1.2},
    ]
    bare = [
        {"round": 0, "ready": 1.0},
        {"round": 1, "ready": 0.9},
        {"round": 2, "ready": 1.1},
    ]
    differences = stats.paired(ours, bare, "ready", lambda a, b: a - b)
    assert differences == pytest.approx([0.5, 0.1])


@pytest.mark.parametrize(
    ("measured", "unit", "verdict"),
    [
        (1.0, stats.TIMES, "met"),
        (1.21, stats.TIMES, "missed by 10%"),
        (21.5, "MiB", "missed by 6.50 MiB"),
        (None, "s", "not measured"),
    ],
)
def test_goal_verdicts(measured: float | None, unit: str, verdict: str) -> None:
    target = 15 if unit == "MiB" else 1.1
    assert stats.Goal("g", target, unit, measured, "").verdict() == verdict


def test_launch_goals_are_paired_ratios_over_the_floor_and_the_published() -> None:
    results = {
        "dry_run": {"floor": [{"round": 0, "time": 0.25}]},
        "launch": {
            "gunicorn": {
                "ours": [{"round": 0, "ready": 0.55, "rss": 26 * stats.MiB}],
                "script": [{"round": 0, "ready": 0.40, "rss": 26 * stats.MiB}],
                "bare": [{"round": 0, "ready": 0.30, "rss": 26 * stats.MiB}],
                "published": [{"round": 0, "ready": 0.32, "rss": 52 * stats.MiB}],
            }
        },
    }
    ours, script, against_published, memory = stats.launch_goals(results)
    assert ours.measured == pytest.approx(1.0)
    assert script.measured == pytest.approx(0.4)
    assert against_published.measured == pytest.approx(1.25)
    assert memory.measured == pytest.approx(0.5)
    assert (ours.met, script.met, against_published.met, memory.met) == (
        True,
        True,
        True,
        True,
    )
    assert "prodserver script" in script.name


def test_dry_run_goals_hold_each_entry_point_to_its_target() -> None:
    floor = [{"round": 0, "time": 0.30}, {"round": 1, "time": 0.32}]
    results = {
        "dry_run": {
            "floor": floor,
            "ours": [{"round": 0, "time": 0.33}, {"round": 1, "time": 0.352}],
            "script": [{"round": 0, "time": 0.18}, {"round": 1, "time": 0.16}],
        }
    }
    ours, script = stats.dry_run_goals(results)
    assert ours.measured == pytest.approx(1.1)
    assert script.measured == pytest.approx((0.6 + 0.5) / 2)
    assert (ours.met, script.met) == (True, False)


def test_write_doc_keeps_the_prose_around_the_results(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        f"# Benchmarks\n\nintro\n\n{report.START}\nold\n{report.END}\n\nafter\n"
    )
    results = {
        "unavailable": {"published": "skipped"},
        "launch": {"gunicorn": {"ours": [{"round": 0, "ready": 0.5}]}},
    }
    report.write_doc(results, doc)
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nintro\n\n")
    assert text.endswith(f"{report.END}\n\nafter\n")
    assert "old" not in text
    assert "| time to first HTTP 200 | gunicorn | 500 ms |" in text
    assert "not available: skipped" in text


def test_report_hides_this_machines_paths() -> None:
    here = str(Path(report.__file__).resolve().parent.parent)
    assert report.private(f"{here}/bench/.work/x failed") == "bench/.work/x failed"


def test_app_distributions_are_found_before_any_settings_are_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a fresh checkout the generated settings do not exist yet; the
    virtualenvs still get the packages of the example project's apps."""
    monkeypatch.setattr(workspace, "SITE", tmp_path / "site")
    found = {programs.normalized(name) for name in contenders.app_distributions()}
    assert "django-q2" in found
    assert found & {"django-tasks", "django-tasks-db"}
    assert not found & {"django", "django-prodserver"}


def test_flood_lines_are_counted_once_across_reads() -> None:
    """A line end or a ``done`` split between two reads counts once."""
    line = b"floodA 1 " + b"x" * 90 + b"\n"
    data = line * 3 + b"floodA done\n" + line + b"floodB done\n"
    read_end, write_end = os.pipe()
    try:
        for cut in range(0, len(data), 7):  # pieces that split every pattern
            os.write(write_end, data[cut : cut + 7])
        os.close(write_end)
        elapsed, lines, size = side_by_side.count_lines(read_end)
    finally:
        os.close(read_end)
    assert (lines, size) == (4, len(data))
    assert elapsed >= 0


def test_side_by_side_goals_and_table() -> None:
    eight = {
        "prodserver": [
            {"round": 0, "ready": 1.1, "stop": 0.5, "rss_manager": 12 * stats.MiB}
        ],
        "bare": [{"round": 0, "ready": 1.0, "stop": 0.5}],
        "honcho": [
            {"round": 0, "ready": 1.2, "stop": 0.4, "rss_manager": 18 * stats.MiB}
        ],
        "supervisord": [{"round": 0, "error": "no"}],
    }
    flood = {
        "prodserver": [{"round": 0, "time": 0.8, "lost": 0}],
        "cat": [{"round": 0, "time": 1.0, "lost": 3}],
        "honcho": [{"round": 0, "time": 40.0, "lost": 0}],
    }
    results = {
        "side_by_side": {
            "eight": eight,
            "flood": flood,
            "unavailable": {"supervisord": "not installed"},
        }
    }
    goals = {goal.name: goal for goal in stats.side_by_side_goals(results)}
    measured = [goal.measured for goal in goals.values()]
    assert measured == pytest.approx([1.1, 1.1 / 1.2, 1.0, 12.0, 0.8, 0.0])
    assert [goal.met for goal in goals.values()] == [True, True, True, True, True, True]
    table = "\n".join(report.side_by_side_table(results, report.Notes(results)))
    assert (
        "| 8 gunicorns: RSS of the manager | 12.0 MiB | — | 18.0 MiB | n/a[^" in table
    )
    x = stats.TIMES
    assert f"throughput ÷ `cat`'s | 1.25 {x} | 1.00 {x} | 0.03 {x} | n/a |" in table
    assert "lost or cut, most in a round | 0 | 3 | 0 | n/a |" in table


def test_managers_get_the_environment_the_programs_need() -> None:
    env = {**contenders.base_env(), "DJANGO_SETTINGS_MODULE": "x", "A": "b c"}
    command = contenders.Command(("gunicorn", "--bind=x"), env, "/srv")
    assert side_by_side.with_env(command) == [
        "env",
        "DJANGO_SETTINGS_MODULE=x",
        "A=b c",
        "gunicorn",
        "--bind=x",
    ]
