"""django-tasks' ``db_worker``: its command lines, processes and threads, its
checks, and real runs on a migrated SQLite database."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.core.checks import CheckMessage
from django.core.management import CommandError
from django.test import override_settings

from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.django_tasks import DjangoTasksWorker
from django_prodserver.checks import check_processes
from tests.commands import argv_of, plans_of, run
from tests.parsers import (
    GENERIC,
    accepted,
    argparse_flags,
    argparse_options,
    command_parser,
)
from tests.processes import WORKER_SETTINGS as WORKERS
from tests.processes import (
    example_env,
    launch,
    prodserver,
    query,
    records,
    shell,
    wait_until,
)

TASKS = "django_prodserver.backends.django_tasks.DjangoTasksWorker"
DB_WORKER = [sys.executable, "-m", "django", "db_worker"]
#: A task that ran to its end: SUCCESSFUL (Django 6, django-tasks >= 0.12) or
#: SUCCEEDED (django-tasks 0.11).
DONE = frozenset({"SUCCEEDED", "SUCCESSFUL"})


def options_of(args: dict[str, object], *extra: str) -> list[str]:
    argv = argv_of({"BACKEND": TASKS, "ARGS": args}, *extra)
    assert argv[:4] == DB_WORKER
    return argv[4:]


# -- the command line ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ({}, ["--no-reload"]),
        # The documented ARGS.
        ({"queue": "default"}, ["--queue-name=default", "--no-reload"]),
        ({"queue": "emails,sms"}, ["--queue-name=emails,sms", "--no-reload"]),
        ({"queue": ["emails", "sms"]}, ["--queue-name=emails,sms", "--no-reload"]),
        ({"queue": "*"}, ["--queue-name=*", "--no-reload"]),
        ({"verbosity": 2}, ["--verbosity=2", "--no-reload"]),
        ({"verbosity": "0"}, ["--verbosity=0", "--no-reload"]),
        ({"processes": "1"}, ["--no-reload"]),
        ({"processes": "1", "threads": "1"}, ["--no-reload"]),
        # db_worker's own options.
        ({"queue_name": "a"}, ["--queue-name=a", "--no-reload"]),
        ({"reload": True}, ["--reload"]),
        ({"reload": "false"}, ["--no-reload"]),
        ({"interval": 0.5}, ["--interval=0.5", "--no-reload"]),
        ({"batch": True}, ["--batch", "--no-reload"]),
        ({"max-tasks": 100}, ["--max-tasks=100", "--no-reload"]),
        ({"backend": "default"}, ["--backend=default", "--no-reload"]),
        ({"no-startup-delay": True}, ["--no-startup-delay", "--no-reload"]),
        ({"worker-id": "w1"}, ["--worker-id=w1", "--no-reload"]),
        ({"exclude-queues": ["a", "b"]}, ["--exclude-queues=a,b", "--no-reload"]),
    ],
)
def test_db_worker_args(args: dict[str, object], options: list[str]) -> None:
    assert options_of(args) == options


def test_extra_args_override_configured_options() -> None:
    assert options_of({"queue": "a"}, "--queue-name=b") == [
        "--no-reload",
        "--queue-name=b",
    ]
    assert options_of({}, "--reload") == ["--reload"]


def worker_ids(plans: list[dict[str, object]]) -> list[str]:
    return [
        word.split("=", 1)[1]
        for plan in plans
        for word in plan["argv"]  # type: ignore[attr-defined]
        if word.startswith("--worker-id=")
    ]


def test_processes_start_one_db_worker_each_with_its_own_id() -> None:
    plans = plans_of({"BACKEND": TASKS, "ARGS": {"processes": "4"}}, name="tasks")
    assert [plan["name"] for plan in plans] == [f"tasks.{n}" for n in range(1, 5)]
    ids = worker_ids(plans)
    assert len(set(ids)) == 4
    assert all(i.startswith(f"tasks.{n}@") for n, i in enumerate(ids, start=1))
    assert all(len(i) <= 64 for i in ids)
    for plan in plans:
        assert plan["argv"][:4] == DB_WORKER  # type: ignore[index]
        assert "--no-reload" in plan["argv"]  # type: ignore[operator]


def test_configured_worker_id_is_numbered_per_process() -> None:
    plans = plans_of({"BACKEND": TASKS, "ARGS": {"processes": 2, "worker-id": "pool"}})
    assert worker_ids(plans) == ["pool.1", "pool.2"]


def test_threads_multiply_the_processes_with_a_warning() -> None:
    entry = {"BACKEND": TASKS, "ARGS": {"processes": "2", "threads": "2"}}
    with override_settings(PRODUCTION_PROCESSES={"worker": entry}):
        out, err = run("worker", "--dry-run", skip_checks=False)
    assert len(out.splitlines()) == 4
    assert "prodserver.W004" in err
    assert "2 x 2 = 4 db_worker processes" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"threads": 2}, ["prodserver.W004"]),
        ({"processes": 3, "threads": "1"}, []),
        ({"processes": "x"}, ["prodserver.E008"]),
        ({"processes": 0}, ["prodserver.E008"]),
        ({"processes": -1}, ["prodserver.E008"]),
        ({"processes": True}, ["prodserver.E008"]),
        ({"threads": 1.5}, ["prodserver.E008"]),
    ],
)
def test_pool_size_checks(args: dict[str, object], expected: list[str]) -> None:
    messages = check_processes({"tasks": {"BACKEND": TASKS, "ARGS": args}})
    assert [m.id for m in messages] == expected


def test_invalid_processes_with_skip_checks_is_still_one_line() -> None:
    entry = {"BACKEND": TASKS, "ARGS": {"processes": "many"}}
    with (
        override_settings(PRODUCTION_PROCESSES={"tasks": entry}),
        pytest.raises(CommandError, match=r"prodserver\.E008: .*'processes'"),
    ):
        run("tasks", "--dry-run", "--skip-checks")


def test_unknown_option_gets_did_you_mean() -> None:
    messages = check_processes({"t": {"BACKEND": TASKS, "ARGS": {"intervall": 1}}})
    assert [(m.id, m.hint) for m in messages] == [
        ("prodserver.W002", "Did you mean 'interval'?")
    ]


def database_check(installed_apps: list[str]) -> list[CheckMessage]:
    with override_settings(INSTALLED_APPS=installed_apps):
        return DjangoTasksWorker(ProcessConfig("tasks", TASKS)).check_config()


def test_e011_without_the_database_app() -> None:
    base = ["django.contrib.contenttypes", "django.contrib.auth", "django_prodserver"]
    [message] = database_check(base)
    assert message.id == "prodserver.E011"
    assert "django-tasks database backend" in message.msg
    assert "to INSTALLED_APPS" in (message.hint or "")
    assert database_check([*base, *settings.TASKS_APPS]) == []


def test_signals_db_worker_takes() -> None:
    assert DjangoTasksWorker.stop_signal == "SIGTERM"
    assert DjangoTasksWorker.accepted_signals == {"SIGINT", "SIGQUIT", "SIGTERM"}


# -- real runs -----------------------------------------------------------------


def enqueue(db: Path, key: str, seconds: float = 0) -> str:
    """Enqueue the example task through django-tasks' own API; its result id."""
    code = (
        "from jobs.db_tasks import record_task; "
        f"print(record_task.enqueue({key!r}, {seconds}).id)"
    )
    return shell(db, code).split()[-1]


def task_status(db: Path, task_id: str) -> str | None:
    # SQLite holds the UUID as 32 hex digits.
    rows = query(
        db,
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
        task_id.replace("-", ""),
    )
    return str(rows[0][0]) if rows else None


@pytest.mark.integration
def test_tasks_runs_an_enqueued_task(tmp_path: Path, example_db: Path) -> None:
    task_id = enqueue(example_db, "queued")
    assert task_status(example_db, task_id) == "READY"
    env = example_env(EXAMPLE_DB=str(example_db))
    with launch(prodserver("tasks", WORKERS), tmp_path, env=env) as worker:
        done = wait_until(lambda: task_status(example_db, task_id) in DONE, timeout=60)
        assert done, worker.text()
        [(runner, pid, finished)] = records(example_db, "queued")
        assert (runner, pid) == ("django-tasks", worker.pid)  # exec: the same PID
        assert finished is not None
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0


def run_sigterm_during_task(argv: list[str], tmp_path: Path, example_db: Path) -> None:
    """SIGTERM while a 3 s task runs: it completes and is recorded as done."""
    task_id = enqueue(example_db, "slow", 3)
    env = example_env(EXAMPLE_DB=str(example_db))
    with launch(argv, tmp_path, env=env) as worker:
        assert wait_until(lambda: records(example_db, "slow"), timeout=60), (
            worker.text()
        )
        worker.signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, worker.text()
        assert not worker.alive()
    assert task_status(example_db, task_id) in DONE
    [(_, _, finished)] = records(example_db, "slow")
    assert finished is not None


@pytest.mark.integration
@pytest.mark.parametrize("mode", [(), ("--spawn",)], ids=["exec", "spawn"])
def test_sigterm_lets_the_running_task_finish(
    mode: tuple[str, ...], tmp_path: Path, example_db: Path
) -> None:
    run_sigterm_during_task(prodserver("tasks", WORKERS, *mode), tmp_path, example_db)


def db_worker_pids(pid: int) -> set[int]:
    """The ``db_worker`` processes under ``pid``."""
    children = psutil.Process(pid).children(recursive=True)
    return {c.pid for c in children if "db_worker" in c.cmdline()}


@pytest.mark.integration
def test_processes_run_side_by_side_and_sigterm_stops_them_all(
    tmp_path: Path, example_db: Path
) -> None:
    """``processes: 2``: two db_worker processes under one launch, each running a
    3 s task at the same time; one SIGTERM, both tasks complete, one exit status."""
    keys = ["pool-1", "pool-2"]
    task_ids = [enqueue(example_db, key, 3) for key in keys]
    env = example_env(EXAMPLE_DB=str(example_db))
    with launch(prodserver("tasks_pool", WORKERS), tmp_path, env=env) as pool:
        started = wait_until(
            lambda: all(records(example_db, key) for key in keys), timeout=60
        )
        assert started, pool.text()
        workers = db_worker_pids(pool.pid)
        assert len(workers) == 2
        running_in = {records(example_db, key)[0][1] for key in keys}
        assert running_in == workers  # one task in each process
        pool.signal(signal.SIGTERM)
        assert pool.wait(timeout=60) == 0, pool.text()
        assert wait_until(lambda: not pool.alive(), timeout=10), pool.alive()
    assert all(task_status(example_db, task_id) in DONE for task_id in task_ids)
    assert all(records(example_db, key)[0][2] is not None for key in keys)


@pytest.mark.integration
def test_a_second_ctrl_c_in_spawn_mode_forces_the_stop(
    tmp_path: Path, example_db: Path
) -> None:
    """db_worker says "press Ctrl+C again to force": through prodserver too."""
    enqueue(example_db, "forced", 30)
    env = example_env(EXAMPLE_DB=str(example_db))
    argv = prodserver("tasks", WORKERS, "--spawn")
    with launch(argv, tmp_path, env=env) as worker:
        assert wait_until(lambda: records(example_db, "forced"), timeout=60), (
            worker.text()
        )
        worker.signal(signal.SIGINT)
        worker.wait_for_text("press Ctrl+C again to force")
        worker.signal(signal.SIGINT)
        worker.wait(timeout=20)  # well before the task's 30 s
        assert "terminating current task" in worker.text()
    [(_, _, finished)] = records(example_db, "forced")
    assert finished is None


# -- the installed django-tasks --------------------------------------------------


def test_every_db_worker_option_is_known() -> None:
    """The option lists cover the installed db_worker's parser (the known list
    also has the options of the other db_worker, django-tasks' or
    django-tasks-db's). Its stop has no budget to compare: db_worker has no
    option that bounds it."""
    parser = command_parser("django_tasks_db", "db_worker")
    rules = DjangoTasksWorker.option_rules
    options = argparse_options(parser) - GENERIC
    assert options <= accepted(rules)
    negated = {f"no-{name}" for name in rules.negatable}
    assert argparse_flags(parser) - GENERIC <= rules.flags | rules.negatable | negated
    assert not {name for name in options if "timeout" in name}
