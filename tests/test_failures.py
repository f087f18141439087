"""The failure digest that ``make test`` prints, read from a real pytest report."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.failures import TAIL_LINES, digest, main

SAMPLE_TESTS = """
import pytest


def test_passes():
    assert True


def test_fails():
    assert 1 + 1 == 3, "the sum is off"


@pytest.fixture
def broken():
    raise RuntimeError("the fixture broke")


def test_errors(broken):
    assert broken


def test_long_report():
    assert False, "\\n".join(f"line {n}" for n in range(500))
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``.tox/django52/tmp/junit.xml``, written by pytest running the sample."""
    root = tmp_path_factory.mktemp("project")
    (root / "test_sample.py").write_text(textwrap.dedent(SAMPLE_TESTS))
    junit = root / ".tox" / "django52" / "tmp" / "junit.xml"
    junit.parent.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    argv = [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*argv, f"--junitxml={junit}", "test_sample.py"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return junit


def test_digest_names_each_failure_with_its_environment(report: Path) -> None:
    headings = [line for line in digest([report]) if line.startswith("=====")]
    assert headings == [
        "===== django52: test_sample::test_fails",
        "===== django52: test_sample::test_errors",
        "===== django52: test_sample::test_long_report",
    ]


def test_digest_keeps_the_assertion_messages(report: Path) -> None:
    text = "\n".join(digest([report]))
    assert "the sum is off" in text
    assert "RuntimeError: the fixture broke" in text


def test_digest_keeps_the_end_of_a_long_report(report: Path) -> None:
    lines = digest([report])
    start = lines.index("===== django52: test_sample::test_long_report")
    kept = lines[start + 1 :]
    assert len(kept) == TAIL_LINES
    assert any(line.endswith("line 499") for line in kept)
    assert not any(line.endswith("line 100") for line in kept)


def test_reports_that_were_not_written_are_skipped(tmp_path: Path) -> None:
    assert digest([tmp_path / ".tox" / "lint" / "tmp" / "junit.xml"]) == []


def test_main_prints_nothing_without_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing.xml")]) == 0
    assert capsys.readouterr().out == ""


def test_main_prints_the_digest(
    report: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(report)]) == 0
    out = capsys.readouterr().out
    assert "Failed tests, with the end of each report:" in out
    assert "===== django52: test_sample::test_fails" in out
