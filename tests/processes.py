"""Start and stop real processes in tests: free ports, bounded waits, no leftovers.

Every process a test starts is stopped by PID (its whole tree, as recorded while
it ran), never by name.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest

from django_prodserver.backends.base import ProcessBackend, ProcessConfig
from django_prodserver.launch.watchdog import NAME as WATCHDOG_NAME

EXAMPLE_DIR = Path(__file__).resolve().parent / "example"
MANAGE_PY = EXAMPLE_DIR / "manage.py"
HOST = "127.0.0.1"
#: The supervisor's line for each program it starts (with several processes).
STARTED_LINE = re.compile(r"^prodserver +\| (\S+) started \(pid (\d+)\)$", re.M)


#: Test ports come from 10000-31999, below Linux's ephemeral range (from which
#: the kernel picks the local ports of outgoing connections), split into blocks:
#: one for each pytest-xdist worker of each test run going on at once (tox gives
#: each environment its PRODSERVER_TEST_PORT_SLOT), so that two workers never
#: try the same port, and a port just released is not handed out again soon.
PORT_RANGE = range(10000, 32000)
PORT_SLOTS = 8
WORKERS_PER_SLOT = 8


def port_block() -> range:
    """The ports of this test process (its slot and its xdist worker)."""
    slot = int(os.environ.get("PRODSERVER_TEST_PORT_SLOT") or 0) % PORT_SLOTS
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = slot * WORKERS_PER_SLOT + int(worker or 0) % WORKERS_PER_SLOT
    size = len(PORT_RANGE) // (PORT_SLOTS * WORKERS_PER_SLOT)
    start = PORT_RANGE.start + index * size
    return range(start, start + size)


def _port_candidates() -> Iterator[int]:
    """This process's ports, round and round, from a random place (so that two
    runs one after the other do not start on the same port)."""
    block = port_block()
    first = random.randrange(len(block))
    while True:
        for offset in range(len(block)):
            yield block[(first + offset) % len(block)]


_CANDIDATES = _port_candidates()


def free_port() -> int:
    (port,) = free_ports(1)
    return port


def free_ports(count: int) -> list[int]:
    """``count`` different free ports of this test process's block: each is
    held until all are chosen, and one that cannot be bound (in use, or in
    TIME_WAIT) is passed over."""
    with contextlib.ExitStack() as held:
        ports: list[int] = []
        for candidate in itertools.islice(_CANDIDATES, len(port_block())):
            sock = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            try:
                sock.bind((HOST, candidate))
            except OSError:
                continue
            ports.append(candidate)
            if len(ports) == count:
                return ports
    raise AssertionError(f"no {count} free ports in {port_block()}")


def example_env(**extra: str) -> dict[str, str]:
    """The environment of a launched example project: no inherited settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "PORT"}
    }
    env.update(extra)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def manage(
    *args: str,
    cwd: Path | str = EXAMPLE_DIR,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python manage.py ARGS`` of the example project to completion."""
    return run_python(str(MANAGE_PY), *args, cwd=cwd, env=env, timeout=timeout)


def run_python(
    *args: str,
    cwd: Path | str = EXAMPLE_DIR,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` (this Python) to completion, in the example project."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=dict(env) if env is not None else example_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage_with_settings(
    tmp_path: Path,
    setting: str,
    *args: str,
    files: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` with a settings module written to ``tmp_path``: the
    example project's settings, then the Python source ``setting``. ``files``
    are more modules to write there (name → source)."""
    return manage(*args, env=case_settings_env(tmp_path, setting, files))


def case_settings_env(
    tmp_path: Path, setting: str, files: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Write ``case_settings.py`` (the example project's settings, then the
    Python source ``setting``) and ``files`` (name → source) to ``tmp_path``;
    the environment that uses them."""
    source = "from mysite.settings import *  # noqa: F403\n\n" + textwrap.dedent(
        setting
    )
    (tmp_path / "case_settings.py").write_text(source)
    for name, text in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return example_env(DJANGO_SETTINGS_MODULE="case_settings", PYTHONPATH=str(tmp_path))


def setting_of(processes: object) -> str:
    """Settings source that sets ``PRODUCTION_PROCESSES`` (for literal values)."""
    return f"PRODUCTION_PROCESSES = {processes!r}"


def python_output(code: str) -> str:
    """What ``python -c CODE`` prints, in a fresh interpreter (e.g. to see which
    modules an import brings in).

    Measured coverage is left off there: its start-up hook imports ``typing``
    and ``dataclasses`` before ``code`` runs."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COVERAGE_PROCESS_")
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=environ,
        timeout=60,
    )
    return result.stdout.strip()


def get(url: str, timeout: float = 10) -> tuple[int, dict[str, object] | str]:
    """GET a URL on 127.0.0.1; JSON bodies are decoded."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", "/" + path)
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
    finally:
        conn.close()
    try:
        return response.status, json.loads(body)
    except ValueError:
        return response.status, body


def wait_for_http(
    url: str,
    proc: subprocess.Popen[bytes] | None = None,
    timeout: float = 30,
    interval: float = 0.1,
) -> tuple[int, object]:
    """Poll ``url`` every ``interval`` seconds until it answers (bounded); fail
    early if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(
                f"process exited with {proc.returncode} before serving {url}"
            )
        try:
            return get(url, timeout=5)
        except OSError as exc:
            last = exc
            time.sleep(interval)
    raise AssertionError(f"{url} did not answer within {timeout}s: {last}")


def wait_until(predicate: object, timeout: float = 20, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return False


class InFlight:
    """A slow GET running in a thread: ``with InFlight(url) as r: <stop the server>``.

    Entering waits until the view has received the request: it tells so for the
    token in the URL (``?arrived=TOKEN``), by default with a file that the test
    sees, else as ``arrived`` finds (a container's log, say). Leaving waits for
    the answer and keeps it in ``status`` and ``body`` (``status`` is None if it
    failed).
    """

    def __init__(
        self,
        url: str,
        timeout: float = 30,
        arrived: Callable[[str], bool] | None = None,
    ) -> None:
        self.token = uuid.uuid4().hex
        self.url = f"{url}{'&' if '?' in url else '?'}arrived={self.token}"
        self.marker = Path(tempfile.gettempdir(), f"prodserver-arrived-{self.token}")
        self.arrived = arrived or (lambda token: self.marker.exists())
        self.timeout = timeout
        self.status: int | None = None
        self.body: object = None
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        try:
            self.status, self.body = get(self.url, timeout=self.timeout)
        except Exception as exc:  # the test asserts on it
            self.error = exc

    def __enter__(self) -> InFlight:
        self.thread.start()
        arrived = wait_until(
            lambda: self.arrived(self.token) or not self.thread.is_alive(),
            timeout=self.timeout,
            interval=0.02,
        )
        assert arrived, f"{self.url} did not reach the view in {self.timeout} s"
        assert self.arrived(self.token), f"{self.url}: {self.status} {self.error}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.thread.join(self.timeout)
        self.marker.unlink(missing_ok=True)


@dataclass
class Known:
    """The processes of a started tree seen so far, by PID.

    A ``psutil.Process`` holds its start time and refuses to signal a PID that
    another process took since: PIDs wrap within one run, and a PID seen here
    may belong to another test's server by the time this one cleans up.
    """

    by_pid: dict[int, psutil.Process] = field(default_factory=dict)

    def add(self, process: psutil.Process) -> None:
        known = self.by_pid.get(process.pid)
        if known is None or not known.is_running():  # new, or a PID reused
            self.by_pid[process.pid] = process

    def add_tree(self, pid: int) -> None:
        """``pid``, which must still be the caller's child, and its descendants."""
        with contextlib.suppress(psutil.NoSuchProcess):
            parent = psutil.Process(pid)
            for process in (parent, *parent.children(recursive=True)):
                self.add(process)

    def alive(self) -> list[int]:
        """Their PIDs that still run (zombies excluded)."""
        return [p.pid for p in self.by_pid.values() if still_running(p)]

    def kill(self) -> None:
        for process in self.by_pid.values():
            with contextlib.suppress(psutil.Error):
                process.kill()


@dataclass
class Launched:
    """A started process, the processes of its tree seen so far, and its output
    file."""

    proc: subprocess.Popen[bytes]
    output: Path
    known: Known = field(default_factory=Known)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def seen(self) -> set[int]:
        return set(self.known.by_pid)

    def remember_tree(self) -> set[int]:
        """Record the process and its descendants (for cleanup); their PIDs."""
        # Once reaped, the process's PID may be another's: its tree is not ours.
        if self.proc.poll() is None:
            self.known.add_tree(self.pid)
        return self.seen

    def signal(self, sig: int) -> None:
        self.remember_tree()
        os.kill(self.pid, sig)

    def wait(self, timeout: float = 30) -> int:
        """The exit status; fails with the output if it takes over ``timeout``."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(
                f"still running after {timeout:g} s:\n{self.text()}"
            ) from exc

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_for_text(self, needle: str, count: int = 1, timeout: float = 30) -> str:
        """Wait until the output holds ``needle`` ``count`` times; return it all.

        Gives up early when the process exits, and fails with the output.
        """

        def seen() -> bool:
            return self.text().count(needle) >= count or self.proc.poll() is not None

        wait_until(seen, timeout=timeout, interval=0.05)
        text = self.text()
        assert text.count(needle) >= count, f"{needle!r} x{count} not in:\n{text}"
        return text

    def started(self) -> dict[str, int]:
        """The PID of each program, by name, from the supervisor's "NAME
        started (pid N)" lines (the latest start of each)."""
        found = STARTED_LINE.findall(self.text())
        return {name: int(pid) for name, pid in found}

    def children(self) -> list[psutil.Process]:
        """The direct children of the process (remembered for cleanup), less the
        supervisor's watchdog: the programs it started."""
        self.remember_tree()
        found = []
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.pid).children():
                with contextlib.suppress(psutil.NoSuchProcess):
                    if child.name() != WATCHDOG_NAME:
                        found.append(child)
        return found

    def alive(self) -> list[int]:
        """PIDs recorded for this launch that still run (zombies excluded)."""
        return self.known.alive()

    def detached(self) -> list[psutil.Process]:
        """Processes in the sessions that this launch's processes lead: what
        double-forked away from the tree (adopted by init) but kept its session."""
        # A session's id stays taken while a process of the session lives; a
        # leader's PID that another process now holds is that one's session.
        sessions = {
            pid
            for pid, process in self.known.by_pid.items()
            if process.is_running() or not psutil.pid_exists(pid)
        }
        found = []
        for process in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if os.getsid(process.pid) in sessions:
                    found.append(process)
        return found

    def kill_all(self) -> None:
        self.remember_tree()
        for process in self.detached():
            self.known.add(process)
        self.known.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        gone = wait_until(lambda: not self.alive(), timeout=10)
        assert gone, f"processes left behind: {self.alive()}"


def still_running(process: psutil.Process) -> bool:
    """Whether ``process`` (not a later one with its PID) runs, not a zombie."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@contextlib.contextmanager
def launch(
    args: Sequence[str],
    tmp_path: Path,
    *,
    cwd: Path | str = EXAMPLE_DIR,
    env: Mapping[str, str] | None = None,
    new_session: bool = True,
    pass_fds: Sequence[int] = (),
    stderr_only: bool = False,
) -> Iterator[Launched]:
    """Start ``args`` with output to a file (standard error only, with
    ``stderr_only``); on exit, kill whatever is left of it."""
    output = tmp_path / f"output-{len(list(tmp_path.glob('output-*')))}.log"
    with output.open("wb") as sink:
        proc = subprocess.Popen(
            list(args),
            cwd=cwd,
            env=dict(env) if env is not None else example_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if stderr_only else sink,
            stderr=sink if stderr_only else subprocess.STDOUT,
            start_new_session=new_session,
            pass_fds=pass_fds,
        )
    launched = Launched(proc, output)
    launched.remember_tree()
    try:
        yield launched
    finally:
        launched.kill_all()


def prodserver(*args: str) -> list[str]:
    """argv of ``python manage.py prodserver ARGS`` for the example project."""
    return [sys.executable, str(MANAGE_PY), "prodserver", *args]


def console_script() -> str:
    """The ``prodserver`` console script installed with the running Python."""
    from django_prodserver.backends.programs import find_script

    path = find_script("prodserver")
    assert path, "the prodserver console script is not installed (pip install -e .)"
    return path


def script_python() -> str:
    """The interpreter that the console script runs on (its ``#!`` line, or the
    line pip writes after ``#!/bin/sh`` for a long path): ``manage.py`` run on
    it gives the same plans, which name the interpreter."""
    with open(console_script()) as script:
        first, second = script.readline(), script.readline()
    if first.startswith("#!/bin/sh"):
        return second.split('"')[1]
    return first.removeprefix("#!").strip()


def backend_argv(
    backend: type[ProcessBackend],
    args: Mapping[str, Any],
    extra: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """The argv a backend builds for ``ARGS``, without the program's own prefix."""
    config = ProcessConfig(
        "web", f"{backend.__module__}.{backend.__name__}", None, args
    )
    instance = backend(config, dict(environ or {}), "testkey")
    argv = instance.commands(list(extra))[0]
    prefix = instance.program_argv()
    assert argv[: len(prefix)] == prefix
    return argv[len(prefix) :]


@dataclass(frozen=True)
class WebServer:
    """How the tests start one process of ``mysite.settings_web`` on a free port."""

    name: str
    #: Arguments after ``--`` that move it to 127.0.0.1:{port}.
    address: tuple[str, ...] = ("--host=127.0.0.1", "--port={port}")
    asgi: bool = False
    #: Whether the launched process serves requests itself (no worker processes).
    single_process: bool = True
    settings: str = "mysite.settings_web"
    #: Lines the server prints once it handles its stop signal, with how many
    #: of each one start prints: uWSGI's master installs its graceful SIGTERM
    #: after its first worker already serves, and a worker that is sent the
    #: master's graceful stop before it handles SIGHUP never stops.
    stop_ready: tuple[tuple[str, int], ...] = ()

    def wait_until_ready(
        self, launched: Launched, port: int, starts: int = 1
    ) -> tuple[int, object]:
        """Wait for the server's first answer, and until it can be stopped
        (``starts``: how many times it has started, reloads included)."""
        answer = wait_for_http(self.url(port), launched.proc)
        for needle, count in self.stop_ready:
            launched.wait_for_text(needle, count=count * starts)
        return answer

    def argv(self, port: int, *extra: str, spawn: bool = False) -> list[str]:
        overrides = [arg.format(port=port) for arg in self.address]
        mode = ["--spawn"] if spawn else []
        return prodserver(
            self.name, f"--settings={self.settings}", *mode, "--", *overrides, *extra
        )

    def url(self, port: int, slow: bool = False) -> str:
        path = ("/async/" if self.asgi else "/") + ("slow/?seconds=2" if slow else "")
        return f"http://{HOST}:{port}{path}"


#: Hooks of the tests' own. The master's runs after prodserver's: once it has
#: printed, SIGTERM is the graceful stop. Each worker's runs once it handles the
#: master's graceful stop (SIGHUP), which a worker still starting would not.
STOP_READY = "prodserver-tests: stop ready"
WORKER_READY = "prodserver-tests: worker accepting"
UWSGI_SERVER = WebServer(
    "uwsgi",
    address=(
        "--http-socket=127.0.0.1:{port}",
        f"--hook-master-start=print:{STOP_READY}",
        f"--hook-accepting=print:{WORKER_READY}",
    ),
    single_process=False,
    # The example's uWSGI entry runs two worker processes.
    stop_ready=((f"\n{STOP_READY}", 1), (f"\n{WORKER_READY}", 2)),
)


#: Exit statuses of a clean stop: uvicorn re-raises the SIGTERM it handled.
CLEAN_STOP = (0, -signal.SIGTERM)


def check_serves_and_stops(
    server: WebServer, tmp_path: Path, port: int, *extra: str, spawn: bool = False
) -> None:
    """The launched process serves a 200 as the server (or its master) and stops
    on SIGTERM with nothing left running. With ``spawn``, the server is the
    launched supervisor's child, and a clean stop is status 0."""
    with launch(server.argv(port, *extra, spawn=spawn), tmp_path) as launched:
        status, body = server.wait_until_ready(launched, port)
        assert status == 200, body
        assert isinstance(body, dict)
        assert body["kind"] == ("async" if server.asgi else "sync")
        assert body["settings"] == server.settings
        served_by = body["pid"] if server.single_process else body["ppid"]
        if spawn:
            (program,) = launched.children()
            assert served_by == program.pid
        else:
            assert served_by == launched.pid
        launched.remember_tree()
        launched.signal(signal.SIGTERM)
        clean = (0,) if spawn else CLEAN_STOP
        assert launched.wait() in clean, launched.text()
        assert wait_until(lambda: not launched.alive(), timeout=10), launched.alive()


def check_in_flight_request_survives_sigterm(
    server: WebServer, tmp_path: Path, port: int
) -> None:
    """SIGTERM while a 2 s request runs: the request still gets its 200."""
    with launch(server.argv(port), tmp_path) as launched:
        server.wait_until_ready(launched, port)
        with InFlight(server.url(port, slow=True)) as request:
            launched.signal(signal.SIGTERM)
        assert request.status == 200, (request.error, launched.text())
        assert isinstance(request.body, dict)
        assert request.body["slept"] == 2.0
        assert launched.wait() in CLEAN_STOP, launched.text()


def check_in_flight_request_survives_sigterm_in_spawn_mode(
    server: WebServer, tmp_path: Path, port: int
) -> None:
    """The same with ``--spawn``: the supervisor turns SIGTERM into the backend's
    stop signal, and a clean stop is status 0 (even a re-raised SIGTERM)."""
    with launch(server.argv(port, spawn=True), tmp_path) as launched:
        server.wait_until_ready(launched, port)
        (program,) = launched.children()
        assert program.pid != launched.pid
        with InFlight(server.url(port, slow=True)) as request:
            launched.signal(signal.SIGTERM)
        assert request.status == 200, (request.error, launched.text())
        assert launched.wait() == 0, launched.text()
        assert wait_until(lambda: not launched.alive(), timeout=10), launched.alive()


RealServerCheck = Callable[[WebServer, Path, int], None]
#: What every web server must do, each in a test of its own.
REAL_SERVER_CHECKS: tuple[RealServerCheck, ...] = (
    check_serves_and_stops,
    check_in_flight_request_survives_sigterm,
    check_in_flight_request_survives_sigterm_in_spawn_mode,
)


def check_dry_run_line_serves(
    manage_args: Sequence[str], tmp_path: Path, port: int, settings: str
) -> None:
    """The dry-run shell line, run by ``sh``, serves the example project."""
    result = manage("prodserver", "--dry-run", *manage_args)
    assert result.returncode == 0, result.stderr
    with launch(["sh", "-c", result.stdout.strip()], tmp_path) as shell:
        status, body = wait_for_http(f"http://{HOST}:{port}/", shell.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["settings"] == settings


def missing(what: str) -> None:
    """A service that the tests need is not installed: skip, except in CI
    (``CI=true``), which installs every one of them, so that a missing one
    fails the run instead of skipping whole groups of tests."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI=true: .ci/run installs it)", pytrace=False)
    pytest.skip(what)


def redis_server_program() -> str | None:
    return shutil.which("redis-server")


@contextlib.contextmanager
def redis_server(
    directory: Path, timeout: float = 20, port: int | None = None
) -> Iterator[str]:
    """A private ``redis-server`` on a free loopback port (or ``port``); yields
    its URL.

    Nothing is saved (``--save ''``, no AOF) and its files go to ``directory``.
    It is stopped by its PID.
    """
    program = redis_server_program()
    assert program is not None, "redis-server is not installed"
    port = port or free_port()
    log = (directory / "redis.log").open("wb")
    proc = subprocess.Popen(
        [
            program, "--port", str(port), "--bind", HOST, "--save", "",
            "--appendonly", "no", "--dir", str(directory), "--daemonize", "no",
        ],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until(lambda: redis_answers(port) or proc.poll() is not None)
        assert redis_answers(port), (directory / "redis.log").read_text()
        yield f"redis://{HOST}:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
        log.close()


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


#: The example project with its task workers and scheduler.
WORKER_SETTINGS = "--settings=mysite.settings_workers"


def shell(db: Path, code: str) -> str:
    """Run ``code`` in the example project's ``manage.py shell`` on the database
    ``db`` (to enqueue a task through the library's own API); its output."""
    result = manage("shell", "-c", code, env=example_env(EXAMPLE_DB=str(db)))
    assert result.returncode == 0, result.stderr
    return result.stdout


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Rows of a read-only query on the example project's SQLite database."""
    with contextlib.closing(sqlite3.connect(db, timeout=20)) as connection:
        return list(connection.execute(sql, params))


def records(db: Path, key: str) -> list[tuple[str, int, str | None]]:
    """The example jobs' rows with ``key``: (runner, pid, finished_at)."""
    rows = query(
        db, "SELECT runner, pid, finished_at FROM jobs_record WHERE key = ?", key
    )
    return [(str(r), int(p), None if f is None else str(f)) for r, p, f in rows]  # type: ignore[call-overload]


def postgres_bindir() -> Path | None:
    """The directory of PostgreSQL's server programs (Debian keeps them out of
    ``PATH``, one directory per major version: the newest)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: (
            int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    """A private PostgreSQL cluster for one test: created at once, started and
    stopped when the test says, on a free loopback port, stopped by its PID.

    PostgreSQL refuses to run as root: then its files belong to, and it runs
    as, the ``postgres`` user (or ``nobody``). Anyone connects as ``postgres``
    without a password.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.user = self.system_user()
        # Not under pytest's tmp_path: its parents are private to root.
        self.root = Path(tempfile.mkdtemp(prefix="prodserver-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.proc: subprocess.Popen[bytes] | None = None
        try:
            if self.user:
                shutil.chown(self.root, self.user)
            self.run_as(
                [str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
            )  # fmt: skip
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    @staticmethod
    def system_user() -> str | None:
        """Whom to run PostgreSQL as: None for the current user unless root."""
        if os.geteuid() != 0:
            return None
        import pwd

        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return name
        raise AssertionError("no user to run PostgreSQL as")

    def run_as(self, argv: list[str]) -> None:
        result = subprocess.run(
            argv, user=self.user, capture_output=True, text=True, timeout=120,
            cwd=self.root, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self) -> None:
        """Start the server and wait until it accepts sessions."""
        assert self.proc is None, "already started"
        log = self.log.open("ab")
        self.proc = subprocess.Popen(
            [str(self.bindir / "postgres"), "-D", str(self.data),
             "-p", str(self.port), "-c", f"listen_addresses={HOST}",
             "-k", str(self.root), "-c", "fsync=off"],
            user=self.user, cwd=self.root, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        ready = [
            str(self.bindir / "pg_isready"),
            "-q",
            "-h",
            HOST,
            "-p",
            str(self.port),
        ]
        wait_until(
            lambda: (
                subprocess.run(ready, check=False, timeout=60).returncode == 0
                or self.proc is None
                or self.proc.poll() is not None
            ),
            timeout=60,
        )
        assert subprocess.run(ready, check=False, timeout=60).returncode == 0, (
            self.log.read_text()
        )

    def stop(self, timeout: float = 30) -> None:
        """Fast shutdown (SIGINT) by its PID; SIGKILL if it hangs."""
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
