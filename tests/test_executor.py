"""Exec mode: the program replaces the launcher."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

import django_prodserver
from django_prodserver.launch import executor
from django_prodserver.launch.executor import supervisor_command, supervisor_pythonpath
from django_prodserver.launch.payload import PAYLOAD_VARIABLE, Payload
from django_prodserver.launch.plan import Plan
from tests.processes import (
    HOST,
    UWSGI_SERVER,
    WebServer,
    get,
    launch,
    manage,
    prodserver,
    wait_until,
)
from tests.processes import (
    case_settings_env as case_settings,
)

CUSTOM = "--settings=mysite.settings_custom"


def status_fields(text: str) -> dict[str, str]:
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


@pytest.mark.integration
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


def test_supervisor_command_carries_the_plans() -> None:
    launcher = {"PYTHONPATH": "/mine", "HOME": "/home/app", "TZ": ":/etc/localtime"}
    argv, env, payload = supervisor_command(
        [plan("web"), plan("worker")], stop_timeout=3.5, environ=launcher
    )
    assert argv[0] == sys.executable
    assert argv[-4:] == ["-m", "django_prodserver.launch.supervisor", "web", "worker"]
    assert PAYLOAD_VARIABLE not in env  # set with the descriptor, at the exec
    fd = payload.to_descriptor()
    received = Payload.from_descriptor(fd)
    assert received.stop_timeout == 3.5
    assert received.plans == [plan("web"), plan("worker")]
    (spec, _) = received.plans
    assert (spec.argv, spec.stop_signal) == (("prog", "--x=a b"), "SIGINT")
    # The children get the launcher's environment back, then their plan's.
    assert received.environ == launcher


def test_plans_of_any_size_reach_the_supervisor() -> None:
    """An environment variable holds 128 KiB at most; the plans are not in one."""
    huge = [plan(f"p{n}").replace(argv=("prog", "x" * 100_000)) for n in range(3)]
    _, env, payload = supervisor_command(huge, stop_timeout=None, environ={})
    assert Payload.from_descriptor(payload.to_descriptor()).plans == huge
    assert sum(len(value) for value in env.values()) < 100_000


def test_supervisor_finds_this_package_from_anywhere() -> None:
    launcher = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _, env, payload = supervisor_command([plan()], stop_timeout=None, environ=launcher)
    if supervisor_pythonpath(None) is None:  # installed into site-packages
        assert "PYTHONPATH" not in env
    else:  # a checkout (editable install): its directory comes first
        root = str(Path(django_prodserver.__file__).resolve().parent.parent)
        assert env["PYTHONPATH"].split(os.pathsep)[0] == root
    assert "PYTHONPATH" not in payload.environ  # the children's is the launcher's
    result = subprocess.run(
        [sys.executable, "-c", "import django_prodserver.launch.supervisor"],
        cwd="/",
        env={**env, "PYTHONNOUSERSITE": "1"},
        check=False,
        timeout=60,
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


# -- as PID 1 of a container ------------------------------------------------------


def can_unshare() -> bool:
    """Whether this machine lets us start a process in a new PID namespace."""
    if shutil.which("unshare") is None:
        return False
    result = subprocess.run(
        ["unshare", "--fork", "--pid", "--mount-proc", "true"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return result.returncode == 0


PID_NAMESPACE = pytest.mark.skipif(
    not can_unshare(), reason="needs unshare --pid (root, or user namespaces)"
)
#: The web servers that never reap children they did not start themselves.
NON_REAPING = [
    WebServer("uvicorn"),
    WebServer("waitress"),
    WebServer("granian_wsgi", single_process=False),
    WebServer("hypercorn", address=("--bind=127.0.0.1:{port}",), single_process=False),
    WebServer("daphne", address=("--bind=127.0.0.1", "--port={port}")),
]
#: The web servers that reap every child (``waitpid(-1)``): their backends say
#: ``reaps_orphans``, and prodserver becomes them as process 1 too.
REAPING = [
    WebServer("gunicorn", address=("--bind=127.0.0.1:{port}",), single_process=False),
    UWSGI_SERVER,
]


def orphans_left(pid: int) -> list[int]:
    """The app's orphans under ``pid`` that still run or were never reaped."""
    left = []
    for child in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            zombie = child.status() == psutil.STATUS_ZOMBIE
            if zombie or "os.fork()" in " ".join(child.cmdline()):
                left.append(child.pid)
    return left


@pytest.mark.integration
@PID_NAMESPACE
@pytest.mark.parametrize(
    ("server", "reaps"),
    [*((s, False) for s in NON_REAPING), *((s, True) for s in REAPING)],
    ids=lambda value: value.name if isinstance(value, WebServer) else "",
)
def test_as_pid_1_the_orphans_of_the_app_are_reaped(
    server: WebServer, reaps: bool, tmp_path: Path, port: int
) -> None:
    """As a container's PID 1 without an init, prodserver becomes a server that
    reaps every orphan itself, and supervises any other; either way what the
    app's helpers leave behind is reaped, and SIGTERM stops it cleanly."""
    argv = ["unshare", "--fork", "--pid", "--mount-proc", *server.argv(port)]
    with launch(argv, tmp_path) as unshare:
        server.wait_until_ready(unshare, port)
        for _ in range(4):
            status, body = get(f"http://{HOST}:{port}/orphans/?count=5")
            assert status == 200, body
        (init,) = psutil.Process(unshare.pid).children()  # PID 1 inside
        if reaps:
            assert server.name in os.path.basename(init.cmdline()[1]), init.cmdline()
            assert isinstance(body, dict)
            assert body["ppid"] == 1  # a worker of the server, which is PID 1
        else:
            assert "django_prodserver.launch.supervisor" in init.cmdline()
        # Each orphan lives 0.2 s; then it is reaped, or stays a zombie.
        assert wait_until(lambda: not orphans_left(unshare.pid), timeout=10)
        init.send_signal(signal.SIGTERM)
        assert unshare.wait() == 0, unshare.text()


@pytest.mark.integration
def test_two_processes_with_100_kb_of_arguments_each_start(tmp_path: Path) -> None:
    """The plans reach the supervisor in a file, not in one environment
    variable (which Linux limits to 128 KiB)."""
    env = case_settings(
        tmp_path,
        """
        from mysite.settings_signals import ECHO

        PRODUCTION_PROCESSES = {
            name: {"BACKEND": ECHO, "ARGS": {"tag": name * 100_000}}
            for name in ("a", "b")
        }
        """,
    )
    with launch(prodserver("a", "b"), tmp_path, env=env) as launcher:
        launcher.wait_for_text("ready", count=2)
        tags = sorted(
            word
            for program in launcher.children()
            for word in program.cmdline()
            if word.startswith("--tag=")
        )
        assert tags == ["--tag=" + "a" * 100_000, "--tag=" + "b" * 100_000]
        launcher.signal(signal.SIGTERM)
        assert launcher.wait() == 0
