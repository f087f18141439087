"""The container-engine stage's script (tests/engine/run.sh) where the engine
cannot run: it says why on one line and succeeds."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "engine" / "run.sh"


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="runs the script as another user: needs root and setpriv",
)
def test_without_root_the_stage_is_skipped_with_one_line(tmp_path: Path) -> None:
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    # The script comes on standard input: the checkout may be in a directory
    # that other users cannot enter (a clone in a private temporary directory).
    result = subprocess.run(
        [*as_nobody, "bash", "-s"],
        input=SCRIPT.read_text(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("engine stage skipped: ")
    assert "root" in line
