"""Exec mode: the program replaces the launcher (SPEC section 3)."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.processes import launch, manage, prodserver

CUSTOM = "--settings=mysite.settings_custom"


def status_fields(text: str) -> dict[str, str]:
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def test_program_keeps_the_launcher_pid_and_default_signals(tmp_path: Path) -> None:
    with launch(prodserver("probe", CUSTOM), tmp_path) as probe:
        assert probe.wait() == 0
        fields = status_fields(probe.text())
    assert int(fields["Pid"]) == probe.pid
    ignored = int(fields["SigIgn"], 16)
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):
        assert not ignored & (1 << (sig - 1)), f"{sig.name} is still ignored"


def test_program_that_cannot_start_is_a_one_line_error() -> None:
    result = manage("prodserver", "missing", CUSTOM, "--skip-checks")
    assert result.returncode == 1
    assert "cannot start prodserver-test-no-such-program" in result.stderr
    assert "Traceback" not in result.stderr
