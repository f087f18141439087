"""The stop budget: one rule for ``STOP_TIMEOUT``, ``--stop-timeout`` and the
exports, so that what launches also exports."""

from __future__ import annotations

import pytest

from django_prodserver.config.stopping import is_stop_budget
from django_prodserver.text import MAX_SECONDS
from tests.processes import manage


@pytest.mark.parametrize(
    ("value", "budget"),
    [
        (1, True),
        (0.5, True),
        (1e-9, True),
        (MAX_SECONDS, True),
        (0, False),
        (0.0, False),
        (-1, False),
        (MAX_SECONDS + 1, False),
        (float("inf"), False),
        (float("nan"), False),
        (True, False),
        ("30", False),
        (None, False),  # "no limit" is the caller's to allow (STOP_TIMEOUT: None)
    ],
)
def test_is_stop_budget(value: object, budget: bool) -> None:
    assert is_stop_budget(value) is budget


@pytest.mark.parametrize("value", ["0", "0.5", "31536001"])
def test_launch_and_export_agree_on_stop_timeout(value: str) -> None:
    option = f"--stop-timeout={value}"
    launch = manage("prodserver", "web", "--dry-run", option)
    export = manage("prodserver", "--export=systemd", "web", option)
    assert (launch.returncode == 0) is (export.returncode == 0) is (value == "0.5")
    for result in (launch, export):
        assert "Traceback" not in result.stderr
        if result.returncode:
            assert "expected a number of seconds up to a year" in result.stderr
            assert "above 0" in result.stderr
