"""Print the failed tests of every tox environment, after ``make test`` fails.

Each environment's report is far up in a long log, and CI logs are often read
from their end: this gathers every failure there, with the end of its report.
Reads the JUnit XML files that pytest writes in each environment (tox.ini).

    python -m tests.failures .tox/*/tmp/junit.xml
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Sequence
from pathlib import Path

#: How much of each failure's report is printed: its last lines.
TAIL_LINES = 60


def failures(report: Path) -> Iterator[tuple[str, str]]:
    """Each failed (or erroring) test of a JUnit XML report: its id and its
    report (the traceback, whose assertion messages end it)."""
    # The file is pytest's own, written on this machine moments before.
    root = ElementTree.parse(report).getroot()  # noqa: S314
    for case in root.iter("testcase"):
        for outcome in (*case.findall("failure"), *case.findall("error")):
            test = f"{case.get('classname', '')}::{case.get('name', '')}"
            yield test, outcome.text or outcome.get("message", "")


def environment(report: Path) -> str:
    """The tox environment of ``.tox/<env>/tmp/junit.xml``."""
    return report.parent.parent.name


def digest(reports: Sequence[Path]) -> list[str]:
    lines: list[str] = []
    for report in reports:
        if not report.is_file():  # an environment that did not get to pytest
            continue
        for test, text in failures(report):
            lines.append(f"===== {environment(report)}: {test}")
            lines += text.splitlines()[-TAIL_LINES:]
    return lines


def main(argv: Sequence[str]) -> int:
    lines = digest([Path(arg) for arg in argv])
    if lines:
        print("\nFailed tests, with the end of each report:\n")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
