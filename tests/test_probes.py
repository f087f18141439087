"""``prodserver NAME --probe``: healthy (exit 0) or not (exit 1, one line why),
asked of real running and stopped processes."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from django.test import override_settings

from django_prodserver.backends.base import allowed_host
from django_prodserver.backends.celery import CeleryFlower, node_name
from django_prodserver.backends.probes import (
    CommandProbe,
    HttpProbe,
    ProcessProbe,
    ProgramProbe,
    check_command,
    check_http,
    check_program,
    check_running,
    connect_host,
)
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    WORKER_SETTINGS,
    case_settings_env,
    console_script,
    example_env,
    launch,
    manage,
    prodserver,
    setting_of,
    wait_for_http,
    wait_until,
)

HOSTNAME = socket.gethostname()


def probe(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``manage.py prodserver ARGS --probe`` (before the arguments after ``--``)."""
    split = args.index("--") if "--" in args else len(args)
    options = [*args[:split], "--probe", *args[split:]]
    return manage("prodserver", *options, env=env, timeout=120)


# -- the pieces ----------------------------------------------------------------


@pytest.mark.parametrize(
    "hostname",
    [None, "w1@%h", "w1@%n", "%h", "example.org", "w2@", "w3@%d.%n", "a@%%h"],
)
def test_node_names_are_celerys_own(hostname: str | None) -> None:
    from celery.utils.nodenames import default_nodename, host_format

    expected = host_format(default_nodename(hostname))
    assert node_name(hostname, HOSTNAME) == expected


@pytest.mark.parametrize(
    ("host", "connect"),
    [("0.0.0.0", "127.0.0.1"), ("", "127.0.0.1"), ("::", "::1"), ("[::1]", "::1")],
)
def test_every_interface_is_probed_on_the_loopback(host: str, connect: str) -> None:
    assert connect_host(host) == connect


@pytest.mark.parametrize(
    ("hosts", "header"),
    [
        (["www.example.com", "127.0.0.1"], "www.example.com"),
        ([".example.com"], "example.com"),
        (["*"], ""),
        (["localhost", "*"], ""),
        (["bad host\n", "[::1]"], "[::1]"),
        ([], ""),
    ],
)
def test_host_header_is_one_allowed_hosts_accepts(
    hosts: list[str], header: str
) -> None:
    with override_settings(ALLOWED_HOSTS=hosts):
        assert allowed_host() == header


def test_http_probe_of_nothing_listening(port: int) -> None:
    healthy, reason = check_http(HttpProbe(HOST, port, "/"))
    assert not healthy
    assert reason.startswith(f"http://{HOST}:{port}/ did not answer: ")


def test_command_probe_says_the_last_line_of_a_failure() -> None:
    failing = CommandProbe(("sh", "-c", "echo one; echo two >&2; exit 69"), "check")
    assert check_command(failing, {}) == (False, "check: exit 69: two")
    assert check_command(CommandProbe(("true",), "check"), {}) == (
        True,
        "check: answered",
    )
    missing = CommandProbe(("/nonexistent/program",), "check")
    healthy, reason = check_command(missing, {})
    assert not healthy
    assert reason.startswith("check: cannot start it: ")


# -- the command ---------------------------------------------------------------


@pytest.mark.integration
def test_web_server_running_then_stopped(tmp_path: Path, port: int) -> None:
    bind = f"--bind={HOST}:{port}"
    with launch(prodserver("web", "--", bind), tmp_path) as server:
        wait_for_http(f"http://{HOST}:{port}/", server.proc)
        healthy = probe("web", "--", bind)
        assert healthy.returncode == 0, healthy.stderr
        assert (
            healthy.stdout == f"web is healthy: http://{HOST}:{port}/ answered 200 OK\n"
        )
        missing = probe("web", "--probe-path=/no-such-page/", "--", bind)
        assert missing.returncode == 1
        assert "answered 404 Not Found" in missing.stderr
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
    stopped = probe("web", "--", bind)
    assert stopped.returncode == 1
    [line] = stopped.stderr.splitlines()
    assert line.startswith(f"CommandError: web is not healthy: http://{HOST}:{port}/ ")
    assert "did not answer" in line


@pytest.mark.integration
def test_celery_worker_running_then_stopped(
    tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    env = example_env(EXAMPLE_DB=str(example_db), REDIS_URL=redis_url)
    with launch(prodserver("worker", WORKER_SETTINGS), tmp_path, env=env) as worker:
        worker.wait_for_text("ready.", timeout=60)
        healthy = probe("worker", WORKER_SETTINGS, env=env)
        assert healthy.returncode == 0, healthy.stderr
        node = f"celery@{HOSTNAME}"
        assert (
            healthy.stdout
            == f"worker is healthy: celery inspect ping {node}: answered\n"
        )
        # The broker's address only in --env-file: the probe's command gets it.
        env_file = tmp_path / "probe.env"
        env_file.write_text(f"REDIS_URL={redis_url}\n")
        without = {key: value for key, value in env.items() if key != "REDIS_URL"}
        from_file = probe(
            "worker", WORKER_SETTINGS, f"--env-file={env_file}", env=without
        )
        assert from_file.returncode == 0, from_file.stderr
        worker.signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    stopped = probe("worker", WORKER_SETTINGS, env=env)
    assert stopped.returncode == 1
    [line] = stopped.stderr.splitlines()
    assert line.startswith(
        f"CommandError: worker is not healthy: celery inspect ping {node}"
    )
    assert "No nodes replied" in line


# -- programs that nothing can ask: their processes run --------------------------


def test_a_running_process_counts_and_a_zombie_does_not() -> None:
    words = ("-c", "import time; time.sleep(29.25)")
    found = ProcessProbe((words,), "python")
    assert not check_running(found)[0]
    child = subprocess.Popen([sys.executable, *words])
    try:
        assert wait_until(lambda: check_running(found)[0], timeout=10)
        assert check_running(found) == (True, "python: running")
        child.kill()  # not reaped yet: a zombie
        assert wait_until(lambda: not check_running(found)[0], timeout=10)
    finally:
        child.kill()
        child.wait()
    healthy, reason = check_running(found)
    assert not healthy
    assert reason == "python: nothing runs -c import time; time.sleep(29.25)"


#: A main process that forks ``sys.argv[1]`` children, each of which sleeps.
FORKING = (
    "import os, sys, time\n"
    "for _ in range(int(sys.argv[1])):\n"
    "    if not os.fork():\n"
    "        time.sleep(29.5)\n"
    "        os._exit(0)\n"
    "time.sleep(29.5)\n"
)


@pytest.mark.parametrize(
    ("forks", "wanted", "said"),
    [
        ("2", "2", "main: running"),
        ("1", "2", "main: 1 of its 2 worker processes run"),
        ("0", "", "main: running"),  # no workers group: the main process is all
    ],
)
def test_a_program_counts_its_main_process_and_workers(
    forks: str, wanted: str, said: str
) -> None:
    """The forked children run the main process's command line: the main one
    is the one whose parent does not, and its live descendants are counted."""
    workers = f"(?P<workers>{wanted})" if wanted else "1"
    found = ProgramProbe((rf".* -c .* {forks} --processes {workers}",), "main")
    argv = [sys.executable, "-c", FORKING, forks, "--processes", wanted or "1"]
    main = subprocess.Popen(argv)
    expected = (said == "main: running", said)
    try:
        assert wait_until(lambda: check_program(found) == expected, timeout=10)
    finally:
        stop_tree(main)
    assert check_program(found) == (False, "main: nothing runs its command")


#: A main process that starts two workers with multiprocessing, by the start
#: method ``sys.argv[1]``, then sleeps.
POOL = (
    "import multiprocessing, sys, time\n"
    "if __name__ == '__main__':\n"
    "    context = multiprocessing.get_context(sys.argv[1])\n"
    "    workers = [context.Process(target=time.sleep, args=(29.5,)) for _ in '12']\n"
    "    for worker in workers:\n"
    "        worker.start()\n"
    "    time.sleep(29.5)\n"
)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_multiprocessing_helpers_are_not_counted_as_workers(
    method: str, tmp_path: Path
) -> None:
    """The resource tracker and the fork server run beside the workers: two
    workers are two, whatever the start method."""
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    two = ProgramProbe((rf".*pool\.py {method} (?P<workers>2) 3",), "pool")
    three = ProgramProbe((rf".*pool\.py {method} 2 (?P<workers>3)",), "pool")
    main = subprocess.Popen([sys.executable, str(script), method, "2", "3"])
    try:
        assert wait_until(lambda: check_program(two)[0], timeout=20)
        assert check_program(three) == (False, "pool: 2 of its 3 worker processes run")
    finally:
        stop_tree(main)


def stop_tree(main: subprocess.Popen[bytes]) -> None:
    """Kill a process and its children, by PID, and reap them."""
    children = psutil.Process(main.pid).children(recursive=True)
    for child in children:
        child.kill()
    main.kill()
    main.wait()
    psutil.wait_procs(children, timeout=10)  # reaped by whoever adopts them


def running_then_stopped(
    tmp_path: Path, name: str, ready: str, env: dict[str, str], *after: str
) -> None:
    """Probe a worker that runs (healthy), then once it stopped (not)."""
    args = [name, WORKER_SETTINGS, *(["--", *after] if after else [])]
    with launch(prodserver(*args), tmp_path, env=env) as worker:
        worker.wait_for_text(ready, timeout=60)
        healthy = probe(*args, env=env)
        assert healthy.returncode == 0, healthy.stderr
        assert healthy.stdout.startswith(f"{name} is healthy: ")
        assert healthy.stdout.endswith(": running\n")
        # The console script, as the exported probes run it, says the same.
        split = args.index("--") if "--" in args else len(args)
        scripted = [console_script(), *args[:split], "--probe", *args[split:]]
        by_script = subprocess.run(
            scripted, cwd=EXAMPLE_DIR, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        assert (by_script.returncode, by_script.stdout) == (0, healthy.stdout)
        worker.signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    stopped = probe(*args, env=env)
    assert stopped.returncode == 1
    [line] = stopped.stderr.splitlines()
    assert line.startswith(f"CommandError: {name} is not healthy: ")
    assert ": nothing runs " in line


@pytest.mark.integration
def test_django_tasks_worker_running_then_stopped(
    tmp_path: Path, example_db: Path
) -> None:
    env = example_env(EXAMPLE_DB=str(example_db))
    running_then_stopped(tmp_path, "tasks", "Starting worker", env)


@pytest.mark.integration
def test_celery_beat_running_then_stopped(tmp_path: Path, redis_url: str) -> None:
    env = example_env(REDIS_URL=redis_url)
    schedule = f"--schedule={tmp_path / 'beat-schedule'}"
    running_then_stopped(tmp_path, "beat", "beat: Starting", env, schedule)


@pytest.mark.integration
def test_flower_is_probed_at_its_health_path_behind_basic_auth(
    tmp_path: Path, port: int, redis_url: str
) -> None:
    env = example_env(REDIS_URL=redis_url)
    args = ["flower", WORKER_SETTINGS, "--", f"--port={port}", "--basic-auth=a:b"]
    with launch(prodserver(*args), tmp_path, env=env) as flower:
        url = f"http://{HOST}:{port}/healthcheck"
        wait_for_http(url, flower.proc)
        healthy = probe(*args, env=env)
        assert healthy.returncode == 0, healthy.stderr
        assert healthy.stdout == f"flower is healthy: {url} answered 200 OK\n"
        # The entry's PROBE wins: Flower's pages ask for the password.
        page = {"BACKEND": CeleryFlower.__module__ + ".CeleryFlower",
                "APP": "mysite.celery.app", "PROBE": {"path": "/workers"}}  # fmt: skip
        source = "from mysite.settings_workers import *\n" + setting_of(
            {"flower": page}
        )
        settings_env = {**case_settings_env(tmp_path, source), "REDIS_URL": redis_url}
        refused = probe(*[a for a in args if a != WORKER_SETTINGS], env=settings_env)
        assert refused.returncode == 1
        assert f"{HOST}:{port}/workers answered 401 Unauthorized" in refused.stderr


def test_probe_goes_with_one_process_and_no_other_mode() -> None:
    several = manage("prodserver", "web", "tasks", WORKER_SETTINGS, "--probe")
    assert several.returncode == 2
    assert "--probe checks one process" in several.stderr
    exported = manage("prodserver", "--export=procfile", "--probe")
    assert exported.returncode == 2
    assert "--export and --probe can't be used together" in exported.stderr
    bad_path = manage("prodserver", "web", "--probe", "--probe-path=healthz")
    assert bad_path.returncode == 2
    assert "expected a URL path such as /healthz/" in bad_path.stderr


def test_a_worker_that_renames_itself_has_no_check_with_setproctitle(
    tmp_path: Path,
) -> None:
    """Django-Q2 rewrites its whole title where setproctitle is installed: its
    command line is not there to find, and a probe would always fail."""
    (tmp_path / "setproctitle.py").write_text("def setproctitle(title): pass\n")
    env = example_env(PYTHONPATH=str(tmp_path))
    result = probe("q2", WORKER_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("q2: DjangoQ2Worker has no health check; ")
