"""Celery worker and beat: their command lines, their checks, and real runs
through a private redis-server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError
from django.test import override_settings

from django_prodserver.backends import programs
from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.celery import CeleryBeat, CeleryFlower, CeleryWorker
from django_prodserver.checks import check_processes
from django_prodserver.config.environment import LaunchContext
from django_prodserver.launch.resolver import resolve
from tests.commands import argv_of, plans_of, run
from tests.parsers import click_options
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    example_env,
    get,
    launch,
    prodserver,
    records,
    wait_for_http,
    wait_until,
)
from tests.processes import WORKER_SETTINGS as WORKERS

WORKER = "django_prodserver.backends.celery.CeleryWorker"
BEAT = "django_prodserver.backends.celery.CeleryBeat"
FLOWER = "django_prodserver.backends.celery.CeleryFlower"
APP = "mysite.celery.app"
TARGET = "mysite.celery:app"


def worker_options(args: dict[str, object], *extra: str) -> list[str]:
    """What follows ``celery -A mysite.celery:app worker``."""
    argv = argv_of({"BACKEND": WORKER, "APP": APP, "ARGS": args}, *extra)
    assert Path(argv[0]).name == "celery"
    assert argv[1:4] == ["-A", TARGET, "worker"]
    return argv[4:]


def beat_options(args: dict[str, object], *extra: str) -> list[str]:
    argv = argv_of({"BACKEND": BEAT, "APP": APP, "ARGS": args}, *extra)
    assert argv[1:4] == ["-A", TARGET, "beat"]
    return argv[4:]


# -- the worker's command line -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "options"),
    [
        # The documented worker ARGS, one by one.
        ({"concurrency": "4"}, ["--concurrency=4"]),
        ({"concurrency": 4}, ["--concurrency=4"]),
        ({"loglevel": "info"}, ["--loglevel=info"]),
        ({"pool": "prefork"}, ["--pool=prefork"]),
        ({"pool": "gevent"}, ["--pool=gevent"]),
        ({"pool": "solo"}, ["--pool=solo"]),
        ({"queues": "default"}, ["--queues=default"]),
        ({"queues": "default,priority"}, ["--queues=default,priority"]),
        ({"queues": ["default", "priority"]}, ["--queues=default,priority"]),
        ({"queues": ("a",)}, ["--queues=a"]),
        ({"max-tasks-per-child": "1000"}, ["--max-tasks-per-child=1000"]),
        ({"max_tasks_per_child": 1000}, ["--max-tasks-per-child=1000"]),
        ({"max-memory-per-child": "200000"}, ["--max-memory-per-child=200000"]),
        ({"time-limit": 300}, ["--time-limit=300"]),
        ({"time-limit": 2.5}, ["--time-limit=2.5"]),
        ({"soft-time-limit": "240"}, ["--soft-time-limit=240"]),
        # The documented examples as a whole.
        (
            {"concurrency": "4", "max-tasks-per-child": "1000"},
            ["--concurrency=4", "--max-tasks-per-child=1000"],
        ),
        (
            {"pool": "gevent", "concurrency": "100"},
            ["--pool=gevent", "--concurrency=100"],
        ),
        # Flags, aliases and other lists.
        ({"without-gossip": True}, ["--without-gossip"]),
        ({"without-mingle": "false"}, []),
        ({"events": True}, ["--task-events"]),
        ({"E": True}, ["--task-events"]),
        ({"exclude-queues": ["a", "b"]}, ["--exclude-queues=a,b"]),
        ({"autoscale": [10, 3]}, ["--autoscale=10,3"]),
    ],
)
def test_worker_args(args: dict[str, object], options: list[str]) -> None:
    assert worker_options(args) == options


@pytest.mark.parametrize(
    ("app", "value"),
    [
        ("mysite.celery.app", TARGET),  # the app's path: module, then attribute
        ("mysite.celery:app", TARGET),
        ("mysite.celery", "mysite.celery"),  # a module: Celery finds the app in it
        ("mysite", "mysite"),  # a package: Celery looks in it, then in .celery
    ],
)
def test_app_goes_before_the_subcommand_as_celery_resolves_it(
    app: str, value: str
) -> None:
    argv = argv_of({"BACKEND": WORKER, "APP": app})
    assert argv[1:4] == ["-A", value, "worker"]


@pytest.mark.parametrize(
    "app", ["mysite.selery.app", "mysite.nosuch.app", "nosuchpackage:app", "x"]
)
def test_app_naming_no_module_is_an_error(app: str) -> None:
    messages = check_processes({"worker": {"BACKEND": WORKER, "APP": app}})
    assert [m.id for m in messages] == ["prodserver.E015"]
    assert repr(app) in messages[0].msg


def test_one_worker_keeps_celerys_node_name() -> None:
    assert not [a for a in worker_options({}) if a.startswith("--hostname")]
    processes = {
        "worker": {"BACKEND": WORKER, "APP": APP},
        "other_app": {"BACKEND": WORKER, "APP": "mysite.other_celery.app"},
        "beat": {"BACKEND": BEAT, "APP": APP},
    }
    with override_settings(PRODUCTION_PROCESSES=processes):
        out, _ = run("worker", "--dry-run", "--format=json")
    assert not [a for a in json.loads(out)["argv"] if a.startswith("--hostname")]


def test_workers_of_one_app_get_their_own_node_names() -> None:
    processes = {
        "default_worker": {"BACKEND": WORKER, "APP": APP, "ARGS": {"queues": "a"}},
        "priority_worker": {"BACKEND": WORKER, "APP": APP, "ARGS": {"queues": "b"}},
    }
    with override_settings(PRODUCTION_PROCESSES=processes):
        out, _ = run("--all", "--dry-run", "--format=json")
    hostnames = [
        [a for a in json.loads(line)["argv"] if a.startswith("--hostname")]
        for line in out.splitlines()
    ]
    assert hostnames == [
        ["--hostname=default_worker@%h"],
        ["--hostname=priority_worker@%h"],
    ]
    assert worker_options({"hostname": "w1@%h"}) == ["--hostname=w1@%h"]
    assert worker_options({"n": "w2@%h"}) == ["--hostname=w2@%h"]
    assert worker_options({}, "-n", "w3@%h") == ["-n", "w3@%h"]


def test_celery_global_options_go_before_the_subcommand() -> None:
    argv = argv_of(
        {"BACKEND": WORKER, "APP": APP, "ARGS": {"broker": "redis://b/1", "c": 2}},
        "--skip-checks",
        "-b",
        "redis://b/2",
        "--loglevel=debug",
    )
    assert argv[1:] == [
        "-A", TARGET, "--skip-checks", "-b", "redis://b/2", "worker",
        "--concurrency=2", "--loglevel=debug",
    ]  # fmt: skip


def test_extra_args_override_configured_options() -> None:
    options = worker_options({"concurrency": 4, "loglevel": "info"}, "-c", "1")
    assert options == ["--loglevel=info", "-c", "1"]


# -- beat's command line -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ({}, []),
        ({"loglevel": "info"}, ["--loglevel=info"]),
        (
            {"scheduler": "django_celery_beat.schedulers:DatabaseScheduler"},
            ["--scheduler=django_celery_beat.schedulers:DatabaseScheduler"],
        ),
        ({"schedule": "/var/lib/beat/schedule"}, ["--schedule=/var/lib/beat/schedule"]),
        ({"max-interval": 5}, ["--max-interval=5"]),
        ({"enable-remote-control": False}, ["--no-enable-remote-control"]),
        ({"enable_remote_control": "yes"}, ["--enable-remote-control"]),
    ],
)
def test_beat_args(args: dict[str, object], options: list[str]) -> None:
    assert beat_options(args) == options


def test_beat_keeps_celerys_schedule_file_default() -> None:
    """No --schedule unless ARGS set one: Celery writes celerybeat-schedule into
    the working directory, which prodserver keeps."""
    (plan,) = plans_of({"BACKEND": BEAT, "APP": APP})
    assert not [a for a in plan["argv"] if "schedule" in a]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "extra", "written"),
    [
        ({}, [], ["--schedule=/scratch/celerybeat-schedule"]),
        ({"loglevel": "info"}, [], ["--schedule=/scratch/celerybeat-schedule"]),
        ({"schedule": "/var/lib/beat/schedule"}, [], []),
        ({"s": "/var/lib/beat/schedule"}, [], []),
        ({"scheduler": "django_celery_beat.schedulers:DatabaseScheduler"}, [], []),
        ({}, ["-s", "/data/schedule"], []),
        ({}, ["--scheduler=django_celery_beat.schedulers:DatabaseScheduler"], []),
    ],
)
def test_beat_is_told_where_to_write_when_the_root_is_read_only(
    args: dict[str, object], extra: list[str], written: list[str]
) -> None:
    """Celery's default scheduler writes its schedule file in the working
    directory; a schedule or scheduler of the user's own needs nothing."""
    beat = CeleryBeat(ProcessConfig("beat", BEAT, app=APP, args=args))
    assert beat.writable_args("/scratch", extra) == written
    worker = CeleryWorker(ProcessConfig("worker", WORKER, app=APP))
    assert worker.writable_args("/scratch", extra) == []


# -- environment, signals, checks ---------------------------------------------


def test_env_sets_remap_sigterm_and_settings_are_exported() -> None:
    (plan,) = plans_of(
        {"BACKEND": WORKER, "APP": APP, "ENV": {"REMAP_SIGTERM": "SIGQUIT"}}
    )
    env: Any = plan["env"]
    assert env["REMAP_SIGTERM"] == "SIGQUIT"
    assert env["DJANGO_SETTINGS_MODULE"] == "mysite.settings"


def test_signals_the_worker_and_beat_take() -> None:
    worker, beat = (
        resolve(backend(ProcessConfig("p", "x", app=APP)), LaunchContext.current())[0]
        for backend in (CeleryWorker, CeleryBeat)
    )
    assert worker.stop_signal == beat.stop_signal == "SIGTERM"
    # USR2 (unless CELERY_RDBSIG is set), TTIN and TTOU would stop or kill it.
    assert worker.accepted_signals == {
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1",
    }  # fmt: skip
    assert beat.accepted_signals == {"SIGINT", "SIGTERM"}


@pytest.mark.parametrize("backend", [WORKER, BEAT])
def test_celery_without_app_is_e009(backend: str) -> None:
    messages = check_processes({"worker": {"BACKEND": backend}})
    assert [m.id for m in messages] == ["prodserver.E009"]
    with (
        override_settings(PRODUCTION_PROCESSES={"worker": {"BACKEND": backend}}),
        pytest.raises(CommandError, match=r"prodserver\.E009: .*'worker'.* needs APP"),
    ):
        run("worker", "--dry-run")


@pytest.mark.parametrize(
    ("backend", "key", "suggestion"),
    [
        (WORKER, "concurency", "concurrency"),
        (WORKER, "max-task-per-child", "max-tasks-per-child"),
        (WORKER, "queue", "queues"),
        (BEAT, "schedular", "scheduler"),
    ],
)
def test_unknown_option_gets_did_you_mean(
    backend: str, key: str, suggestion: str
) -> None:
    messages = check_processes(
        {"p": {"BACKEND": backend, "APP": APP, "ARGS": {key: 1}}}
    )
    assert [m.id for m in messages] == ["prodserver.W002"]
    assert messages[0].hint == f"Did you mean {suggestion!r}?"


def test_every_option_of_celery_help_is_known() -> None:
    """The known-option lists match the installed Celery's own."""
    pytest.importorskip("celery")
    from celery.bin.beat import beat
    from celery.bin.celery import celery
    from celery.bin.worker import worker

    def names(command: Any) -> set[str]:
        return click_options(command) - {"help", "version", "app"}

    global_names = names(celery)
    worker_rules, beat_rules = CeleryWorker.option_rules, CeleryBeat.option_rules
    assert global_names | names(worker) <= worker_rules.known | set(
        worker_rules.aliases
    )
    beat_known = beat_rules.known | {f"no-{n}" for n in beat_rules.negatable}
    assert global_names | names(beat) <= beat_known


# -- Flower --------------------------------------------------------------------


def flower_options(
    args: dict[str, object], *extra: str, environ: dict[str, str] | None = None
) -> list[str]:
    """What follows ``celery -A mysite.celery:app``."""
    config = ProcessConfig("flower", FLOWER, APP, args)
    backend = CeleryFlower(config, environ or {})
    argv = backend.commands(list(extra))[0]
    assert Path(argv[0]).name == "celery"
    assert argv[1:3] == ["-A", TARGET]
    return argv[3:]


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ({}, ["flower"]),
        ({"port": 5555}, ["flower", "--port=5555"]),
        (
            {"address": "127.0.0.1", "port": "5555"},
            ["flower", "--address=127.0.0.1", "--port=5555"],
        ),
        ({"unix_socket": "/run/f.sock"}, ["flower", "--unix-socket=/run/f.sock"]),
        ({"url_prefix": "flower"}, ["flower", "--url-prefix=flower"]),
        # Tornado's booleans: written out, so that False reaches Flower.
        ({"persistent": True}, ["flower", "--persistent=True"]),
        ({"auto_refresh": False}, ["flower", "--auto-refresh=False"]),
        ({"enable-events": "no"}, ["flower", "--enable-events=False"]),
        ({"debug": "yes"}, ["flower", "--debug=True"]),
        ({"xheaders": None}, ["flower", "--xheaders"]),
        # Lists are one comma-separated value.
        (
            {"basic_auth": ["alice:pw1", "bob:pw2"]},
            ["flower", "--basic-auth=alice:pw1,bob:pw2"],
        ),
        ({"max_tasks": 10000, "db": "/srv/flower.db"}, [
            "flower", "--max-tasks=10000", "--db=/srv/flower.db",
        ]),
        # Celery's own options go before the subcommand.
        ({"broker": "redis://b/1", "port": 5555}, [
            "--broker=redis://b/1", "flower", "--port=5555",
        ]),
    ],
)  # fmt: skip
def test_flower_args(args: dict[str, object], options: list[str]) -> None:
    assert flower_options(args) == options


@pytest.mark.parametrize(
    ("args", "extra", "environ", "options"),
    [
        ({}, [], {"PORT": "8000"}, ["flower", "--address=0.0.0.0", "--port=8000"]),
        ({"port": 5555}, [], {"PORT": "8000"}, ["flower", "--port=5555"]),
        # Flower's own variables choose its address: PORT does not override them.
        ({}, [], {"PORT": "8000", "FLOWER_PORT": "5556"}, ["flower"]),
        ({"port": 5555}, ["--port=5556"], {}, ["flower", "--port=5556"]),
    ],
)  # fmt: skip
def test_flower_port_default_and_overrides(
    args: dict[str, object],
    extra: list[str],
    environ: dict[str, str],
    options: list[str],
) -> None:
    assert flower_options(args, *extra, environ=environ) == options


def test_flower_listens_where_its_options_say() -> None:
    def addresses(args: dict[str, object]) -> object:
        return CeleryFlower(ProcessConfig("f", FLOWER, APP, args)).listen_addresses()

    assert addresses({}) == [("0.0.0.0", 5555)]
    assert addresses({"address": "127.0.0.1", "port": 5556}) == [("127.0.0.1", 5556)]
    assert addresses({"unix-socket": "/run/f.sock"}) == []


def test_flower_signals_and_app() -> None:
    assert CeleryFlower.stop_signal == "SIGTERM"
    assert CeleryFlower.accepted_signals == {"SIGINT", "SIGTERM"}
    messages = check_processes({"f": {"BACKEND": FLOWER}})
    assert [m.id for m in messages] == ["prodserver.E009"]


def test_flower_unknown_option_gets_did_you_mean() -> None:
    messages = check_processes(
        {"f": {"BACKEND": FLOWER, "APP": APP, "ARGS": {"basicauth": "a:b"}}}
    )
    assert [m.id for m in messages] == ["prodserver.W002"]
    assert messages[0].hint == "Did you mean 'basic-auth'?"


def test_flower_without_the_flower_package_names_its_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Celery alone has no ``flower`` subcommand: the flower package adds it."""
    installed = programs.is_installed
    monkeypatch.setattr(
        programs, "is_installed", lambda name: name != "flower" and installed(name)
    )
    assert not CeleryFlower.is_installed()
    assert CeleryWorker.is_installed()
    messages = check_processes({"f": {"BACKEND": FLOWER, "APP": APP}})
    assert [m.id for m in messages] == ["prodserver.W001"]
    assert 'pip install "django-prodserver[flower]"' in messages[0].msg


def test_every_flower_option_is_known() -> None:
    """The known options match the installed Flower's (Tornado's) own."""
    pytest.importorskip("flower")
    from flower import options  # noqa: F401  (defines Flower's options)
    from tornado.options import options as tornado_options

    names = {name.replace("_", "-") for name in tornado_options._options}
    known = CeleryFlower.option_rules.known
    assert names - {"help"} <= known


# -- real runs -----------------------------------------------------------------


def worker_env(example_db: Path, redis_url: str) -> dict[str, str]:
    return example_env(EXAMPLE_DB=str(example_db), REDIS_URL=redis_url)


@pytest.mark.integration
def test_worker_runs_a_task_sent_through_redis(
    tmp_path: Path, example_db: Path, redis_url: str, celery_client: Any
) -> None:
    env = worker_env(example_db, redis_url)
    with launch(prodserver("worker", WORKERS), tmp_path, env=env) as worker:
        result = celery_client.send_task("jobs.tasks.record", args=["sent"])
        row_id = result.get(timeout=60)
        assert isinstance(row_id, int)
        [(runner, pid, finished)] = records(example_db, "sent")
        assert runner == "celery"
        assert finished is not None
        assert pid in worker.remember_tree() - {worker.pid}  # a pool child ran it
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0
        assert "celery@" in worker.text()  # Celery's own node name


def run_sigterm_during_task(
    argv: list[str],
    tmp_path: Path,
    example_db: Path,
    redis_url: str,
    client: Any,
    seconds: float = 3,
) -> str:
    """SIGTERM while a task of ``seconds`` runs: the task completes and is
    recorded as done. Returns the launch's output."""
    env = worker_env(example_db, redis_url)
    with launch(argv, tmp_path, env=env) as worker:
        result = client.send_task("jobs.tasks.record", args=["slow", seconds])
        assert wait_until(lambda: records(example_db, "slow"), timeout=60), (
            worker.text()
        )
        worker.signal(signal.SIGTERM)
        assert worker.wait(timeout=60 + seconds) == 0, worker.text()
        assert not worker.alive()
        text = worker.text()
    [(_, _, finished)] = records(example_db, "slow")
    assert finished is not None
    assert result.get(timeout=10) is not None
    assert result.state == "SUCCESS"
    return text


@pytest.mark.integration
@pytest.mark.parametrize("mode", [(), ("--spawn",)], ids=["exec", "spawn"])
def test_sigterm_lets_the_running_task_finish(
    mode: tuple[str, ...],
    tmp_path: Path,
    example_db: Path,
    redis_url: str,
    celery_client: Any,
) -> None:
    argv = prodserver("worker", WORKERS, *mode)
    run_sigterm_during_task(argv, tmp_path, example_db, redis_url, celery_client)


@pytest.mark.integration
def test_beat_publishes_its_schedule_into_redis(
    tmp_path: Path, example_db: Path, redis_url: str, redis_client: Any
) -> None:
    schedule = tmp_path / "beat-schedule"
    argv = prodserver("beat", WORKERS, "--", f"--schedule={schedule}")
    with launch(argv, tmp_path, env=worker_env(example_db, redis_url)) as beat:
        scheduled = wait_until(lambda: redis_client.llen("beat") >= 2, timeout=60)
        assert scheduled, beat.text()
        beat.signal(signal.SIGTERM)
        assert beat.wait() == 0
    message = json.loads(redis_client.lindex("beat", 0) or b"{}")
    assert message["headers"]["task"] == "jobs.tasks.record"
    assert message["headers"]["argsrepr"] == "['tick']"
    assert list(tmp_path.glob("beat-schedule*"))


@pytest.mark.integration
def test_beat_schedule_file_goes_to_the_working_directory(
    tmp_path: Path,
    example_db: Path,
    redis_url: str,
    redis_client: Any,
    other_dir: Path,
) -> None:
    with launch(
        prodserver("beat", WORKERS),
        tmp_path,
        cwd=other_dir,
        env=worker_env(example_db, redis_url),
    ) as beat:
        found = wait_until(lambda: list(other_dir.glob("celerybeat-schedule*")))
        assert found, beat.text()
        # Stopped once it schedules: beat creates the file while it starts, and
        # a TERM in the middle of that start ends celery beat with status 1.
        scheduled = wait_until(lambda: redis_client.llen("beat") >= 1, timeout=60)
        assert scheduled, beat.text()
        beat.signal(signal.SIGTERM)
        assert beat.wait() == 0
    assert not list(EXAMPLE_DIR.glob("celerybeat-schedule*"))


@pytest.mark.integration
def test_project_that_imports_its_celery_app_in_init(
    tmp_path: Path, example_db: Path, redis_url: str, celery_client: Any
) -> None:
    """The documented ``from .celery import app as celery_app`` in the project's
    ``__init__.py`` (Celery imported into every Django process) works too."""
    project = tmp_path / "project"
    shutil.copytree(
        EXAMPLE_DIR, project, ignore=shutil.ignore_patterns("*.sqlite3", "__pycache__")
    )
    init = project / "mysite" / "__init__.py"
    init.write_text(
        "from .celery import app as celery_app\n\n__all__ = ('celery_app',)\n"
    )
    argv = [sys.executable, str(project / "manage.py"), "prodserver", "worker", WORKERS]
    env = worker_env(example_db, redis_url)
    dry_run = subprocess.run(
        [*argv, "--dry-run", "--format=json"],
        cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert dry_run.returncode == 0, dry_run.stderr
    pythonpath = json.loads(dry_run.stdout)["env"]["PYTHONPATH"]
    assert pythonpath.split(os.pathsep)[0] == str(project)
    with launch(argv, tmp_path, cwd=project, env=env) as worker:
        result = celery_client.send_task("jobs.tasks.record", args=["eager"])
        assert isinstance(result.get(timeout=60), int)
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0


@pytest.mark.integration
def test_worker_and_beat_let_a_long_task_finish(
    tmp_path: Path, example_db: Path, redis_url: str, celery_client: Any
) -> None:
    """Side by side, a stop waits for a 14 s task: the worker has no time limit,
    so its stop budget sets none either (beat's is 10 s, and it stops at once)."""
    schedule = f"beat:--schedule={tmp_path / 'beat-schedule'}"
    argv = prodserver("worker", "beat", WORKERS, "--", schedule)
    text = run_sigterm_during_task(
        argv, tmp_path, example_db, redis_url, celery_client, seconds=14
    )
    assert "killing" not in text
    assert "worker stopped with status 0" in text
    assert "beat stopped with status 0" in text


@pytest.mark.integration
def test_app_as_a_module_without_a_reexport(
    tmp_path: Path, example_db: Path, redis_url: str, celery_client: Any
) -> None:
    """``"APP": "pkg.celery_app"`` as ``celery -A pkg.celery_app`` takes it, with
    nothing re-exported from the package's ``__init__.py``."""
    project = tmp_path / "project"
    shutil.copytree(
        EXAMPLE_DIR, project, ignore=shutil.ignore_patterns("*.sqlite3", "__pycache__")
    )
    (project / "config").mkdir()
    (project / "config" / "__init__.py").write_text("")
    (project / "config" / "celery_app.py").write_text(
        (project / "mysite" / "celery.py").read_text()
    )
    (project / "mysite" / "settings_config.py").write_text(
        "from .settings_workers import *  # noqa: F403\n"
        "from .settings_workers import PRODUCTION_PROCESSES\n\n"
        'PRODUCTION_PROCESSES["worker"]["APP"] = "config.celery_app"\n'
    )
    argv = [
        sys.executable, str(project / "manage.py"), "prodserver", "worker",
        "--settings=mysite.settings_config",
    ]  # fmt: skip
    env = worker_env(example_db, redis_url)
    check = subprocess.run(
        [sys.executable, str(project / "manage.py"), "check", argv[-1]],
        cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    with launch(argv, tmp_path, cwd=project, env=env) as worker:
        result = celery_client.send_task("jobs.tasks.record", args=["module"])
        assert isinstance(result.get(timeout=60), int), worker.text()
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0
    assert "-A config.celery_app" not in worker.text()  # nothing of ours printed
    [(runner, _, finished)] = records(example_db, "module")
    assert (runner, finished is not None) == ("celery", True)


def flower_argv(port: int, *mode: str) -> list[str]:
    return prodserver("flower", WORKERS, *mode, "--", f"--port={port}")


@pytest.mark.integration
@pytest.mark.parametrize("mode", [(), ("--spawn",)], ids=["exec", "spawn"])
def test_flower_serves_the_example_projects_workers(
    mode: tuple[str, ...],
    tmp_path: Path,
    example_db: Path,
    redis_url: str,
    port: int,
) -> None:
    """Flower's UI answers 200, and shows the worker it found through Redis."""
    env = worker_env(example_db, redis_url)
    worker_argv = prodserver("worker", WORKERS, "--", "--hostname=probe@%h")
    with (
        launch(worker_argv, tmp_path, env=env) as worker,
        launch(flower_argv(port, *mode), tmp_path, env=env) as flower,
    ):
        status, body = wait_for_http(f"http://{HOST}:{port}/healthcheck", flower.proc)
        assert (status, body) == (200, "OK")
        status, _ = get(f"http://{HOST}:{port}/")
        assert status == 200
        node = f"probe@{os.uname().nodename}"
        assert wait_until(
            lambda: get(f"http://{HOST}:{port}/worker/{node}", timeout=30)[0] == 200,
            timeout=60,
        ), (flower.text(), worker.text())
        flower.signal(signal.SIGTERM)
        assert flower.wait() == 0, flower.text()
        assert wait_until(lambda: not flower.alive(), timeout=10), flower.alive()
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0
