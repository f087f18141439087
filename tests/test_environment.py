"""The environment a program gets: the launcher's own, as it was started, plus
prodserver's variables; never what loading the settings changed (``TZ``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from django_prodserver.config.environment import original_environ
from tests.processes import (
    EXAMPLE_DIR,
    example_env,
    launch,
    manage,
    prodserver,
)
from tests.processes import (
    case_settings_env as case_settings,
)

#: The example project in Tokyo, with processes that print their TZ (and the
#: probe exits then).
TOKYO = """
from mysite.settings_signals import ECHO

TIME_ZONE = "Asia/Tokyo"
PRODUCTION_PROCESSES = {
    "probe": {"BACKEND": ECHO, "ARGS": {"environ": "TZ", "exit-code": 0}},
    "other": {"BACKEND": ECHO, "ARGS": {"environ": "TZ"}},
    "other_too": {"BACKEND": ECHO, "ARGS": {"environ": "TZ"}},
}
"""


def test_original_environ_is_the_one_the_process_started_with() -> None:
    code = (
        "import os; os.environ['KEPT'] = 'changed'; del os.environ['GONE']; "
        "os.environ['TZ'] = 'Asia/Tokyo'; "
        "from django_prodserver.config.environment import original_environ; "
        "e = original_environ(); print(e['KEPT'], e['GONE'], e.get('TZ'))"
    )
    env = {**example_env(KEPT="as started", GONE="still here")}
    env.pop("TZ", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.split() == ["as", "started", "still", "here", "None"]


def test_original_environ_in_this_process() -> None:
    """The test process's own (the autouse fixture replaces it for the command)."""
    assert original_environ().get("PATH") == os.environ.get("PATH")


def tz_lines(output: str) -> list[str]:
    """The programs' TZ lines (without the prefix of several processes)."""
    return [
        line.split("| ")[-1]
        for line in output.splitlines()
        if line.split("| ")[-1].startswith("TZ")
    ]


@pytest.mark.integration
@pytest.mark.parametrize("launcher_tz", [None, "Europe/Paris"])
@pytest.mark.parametrize(
    "how",
    [["other"], ["other", "--spawn"], ["other", "other_too"]],
    ids=["exec", "spawn", "several"],
)
def test_the_program_gets_the_launchers_tz(
    tmp_path: Path, launcher_tz: str | None, how: list[str]
) -> None:
    """Django sets TZ from TIME_ZONE when the settings load; the programs see
    the TZ the launcher was started with, or none."""
    env = case_settings(tmp_path, TOKYO)
    env.pop("TZ", None)
    if launcher_tz:
        env["TZ"] = launcher_tz
    programs = 2 if "other_too" in how else 1
    with launch(prodserver(*how), tmp_path, env=env) as launcher:
        launcher.wait_for_text("TZ", count=programs)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
        text = launcher.text()
    expected = f"TZ={launcher_tz}" if launcher_tz else "TZ unset"
    assert tz_lines(text) == [expected] * programs


@pytest.mark.integration
def test_the_dry_run_line_runs_what_the_command_runs(tmp_path: Path) -> None:
    env = case_settings(tmp_path, TOKYO)
    env.pop("TZ", None)
    launched = manage("prodserver", "probe", env=env)
    dry_run = manage("prodserver", "probe", "--dry-run", env=env)
    assert dry_run.returncode == 0, dry_run.stderr
    typed = subprocess.run(
        ["sh", "-c", dry_run.stdout.strip()],
        cwd=EXAMPLE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert tz_lines(typed.stdout) == tz_lines(launched.stdout) == ["TZ unset"]
