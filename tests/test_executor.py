"""Exec mode: the program replaces the launcher."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import django_prodserver
from django_prodserver import executor
from django_prodserver.executor import supervisor_command, supervisor_pythonpath
from django_prodserver.plan import Plan
from django_prodserver.supervisor import PAYLOAD_VARIABLE, Payload
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


# -- spawn mode: how the command hands its plans to the supervisor ------------------


def plan(name: str = "web") -> Plan:
    return Plan(
        name=name,
        backend="mysite.backends.SignalEcho",
        argv=("prog", "--x=a b"),
        env={"DJANGO_SETTINGS_MODULE": "mysite.settings", "PYTHONPATH": "/srv"},
        cwd="/srv",
        stop_signal="SIGINT",
        accepted_signals=frozenset({"SIGHUP"}),
    )


def test_supervisor_command_carries_the_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", "/mine")
    argv, env = supervisor_command([plan("web"), plan("worker")], stop_timeout=3.5)
    assert argv[0] == sys.executable
    assert argv[-4:] == ["-m", "django_prodserver.supervisor", "web", "worker"]
    payload = Payload.decode(env[PAYLOAD_VARIABLE])
    assert payload.stop_timeout == 3.5
    assert payload.plans == [plan("web"), plan("worker")]
    (spec, _) = payload.plans
    assert (spec.argv, spec.stop_signal) == (("prog", "--x=a b"), "SIGINT")
    # The children get the launcher's environment back, then their plan's.
    children = payload.launcher_environ(env)
    assert PAYLOAD_VARIABLE not in children
    assert children["PYTHONPATH"] == "/mine"


def test_supervisor_finds_this_package_from_anywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYTHONPATH", raising=False)
    _, env = supervisor_command([plan()], stop_timeout=None)
    if supervisor_pythonpath(None) is None:  # installed into site-packages
        assert "PYTHONPATH" not in env
    else:  # a checkout (editable install): its directory comes first
        root = str(Path(django_prodserver.__file__).resolve().parent.parent)
        assert env["PYTHONPATH"].split(os.pathsep)[0] == root
        payload = Payload.decode(env[PAYLOAD_VARIABLE])
        assert "PYTHONPATH" not in payload.launcher_environ(env)
    result = subprocess.run(
        [sys.executable, "-c", "import django_prodserver.supervisor"],
        cwd="/",
        env={**env, "PYTHONNOUSERSITE": "1"},
        check=False,
    )
    assert result.returncode == 0


def test_a_site_packages_directory_is_not_put_on_pythonpath(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import site

    monkeypatch.setattr(executor, "package_root", lambda: site.getsitepackages()[0])
    assert supervisor_pythonpath(None) is None
    assert supervisor_pythonpath("/mine") == "/mine"


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_stop_timeout_must_be_seconds(value: str) -> None:
    result = manage("prodserver", "web", f"--stop-timeout={value}")
    assert result.returncode != 0
    assert "expected a number of seconds" in result.stderr
