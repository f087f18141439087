"""Dramatiq's ``rundramatiq`` (django-dramatiq): its command line, checks and
broker URL, and real workers on a private redis-server."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import psutil
import pytest
from django.test import override_settings

from django_prodserver.backends.base import STOP_MARGIN, ProcessConfig
from django_prodserver.backends.dramatiq import (
    WORKER_SHUTDOWN_TIMEOUT_MS,
    DramatiqWorker,
)
from django_prodserver.checks import check_processes
from tests.parsers import argparse_default, check_argparse_options, command_parser
from tests.processes import backend_argv, manage, records, wait_until
from tests.queues import (
    QUEUE_SETTINGS,
    Queue,
    check_sigterm_lets_the_running_task_finish,
    own_option,
    probe_after_stop,
    probe_says,
    queue_env,
    second_sigterm,
)

DRAMATIQ = "django_prodserver.backends.dramatiq.DramatiqWorker"
QUEUE = Queue(
    "dramatiq",
    "dramatiq",
    "from jobs.dramatiq_tasks import record_dramatiq; "
    "record_dramatiq.send('{key}', {seconds})",
    "Sending signal 'SIGTERM' to subprocesses",
)


@pytest.mark.parametrize(
    ("args", "extra", "argv"),
    [
        ({}, [], []),
        ({"processes": 2, "threads": 4}, [], ["--processes=2", "--threads=4"]),
        ({"p": 1, "t": 2}, [], ["--processes=1", "--threads=2"]),
        # Several queues or paths follow one flag, as Dramatiq reads them.
        ({"queues": ["high", "default"]}, [], ["--queues", "high", "default"]),
        ({"Q": ("a", "b")}, [], ["--queues", "a", "b"]),
        ({"queues": "default"}, [], ["--queues=default"]),
        ({"queue": "low"}, [], ["--queues=low"]),
        ({"queues": []}, [], []),
        ({"path": ["src", "."]}, [], ["--path", "src", "."]),
        ({"worker-shutdown-timeout": 30000}, [], ["--worker-shutdown-timeout=30000"]),
        (
            {"reload": True, "watch_use_polling": True},
            [],
            ["--reload", "--reload-use-polling"],
        ),
        (
            {"fork-function": ["a.f", "b.g"]},
            [],
            ["--fork-function=a.f", "--fork-function=b.g"],
        ),
        ({"skip-logging": "yes", "use-spawn": False}, [], ["--skip-logging"]),
        ({"verbosity": 2}, [], ["--verbosity=2"]),
        ({"processes": 2}, ["-p", "1"], ["-p", "1"]),
        (
            {"queues": ["a", "b"]},
            ["--threads", "1"],
            ["--queues", "a", "b", "--threads", "1"],
        ),
    ],
)
def test_rundramatiq_argv(
    args: dict[str, object], extra: list[str], argv: list[str]
) -> None:
    assert backend_argv(DramatiqWorker, args, extra) == argv


def test_the_program_is_rundramatiq_of_django() -> None:
    program = DramatiqWorker(ProcessConfig("dramatiq", DRAMATIQ)).program_argv()
    assert program[1:] == ["-m", "django", "rundramatiq"]


def test_signals_rundramatiq_takes() -> None:
    """HUP reloads the workers; QUIT, USR1 and USR2 orphan them."""
    assert DramatiqWorker.stop_signal == "SIGTERM"
    assert DramatiqWorker.accepted_signals == {"SIGHUP", "SIGINT", "SIGTERM"}
    assert DramatiqWorker.can_exec


def check_ids(args: dict[str, object]) -> list[tuple[str, str]]:
    messages = check_processes({"dramatiq": {"BACKEND": DRAMATIQ, "ARGS": args}})
    return [(m.id or "", m.hint or "") for m in messages]


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("proceses", "processes"),
        ("worker-shutdown-timout", "worker-shutdown-timeout"),
        ("use-gevnt", "use-gevent"),
    ],
)
def test_unknown_option_gets_did_you_mean(key: str, suggestion: str) -> None:
    assert ("prodserver.W002", f"Did you mean {suggestion!r}?") in check_ids({key: 1})


def test_e011_without_django_dramatiq_in_installed_apps() -> None:
    assert check_ids({}) == [
        (
            "prodserver.E011",
            'Add "django_dramatiq" to INSTALLED_APPS, and a DRAMATIQ_BROKER.',
        )
    ]


REDIS = "dramatiq.brokers.redis.RedisBroker"
RABBITMQ = "dramatiq.brokers.rabbitmq.RabbitmqBroker"


@pytest.mark.parametrize(
    ("broker", "url"),
    [
        ({"BROKER": REDIS, "OPTIONS": {"url": "redis://r:6379/2"}}, "redis://r:6379/2"),
        (
            {"BROKER": REDIS, "OPTIONS": {"host": "h", "port": 6380, "db": 1}},
            "redis://h:6380/1",
        ),
        ({"BROKER": REDIS}, "redis://localhost:6379/0"),
        (
            {"BROKER": RABBITMQ, "OPTIONS": {"url": "amqp://u:p@r:5672/vh"}},
            "amqp://u:p@r:5672/vh",
        ),
        ({"BROKER": RABBITMQ, "OPTIONS": {"host": "r"}}, "amqp://r:5672"),
        ({"BROKER": "dramatiq.brokers.stub.StubBroker"}, None),
    ],
)
def test_broker_url_is_dramatiq_brokers(broker: object, url: str | None) -> None:
    with override_settings(DRAMATIQ_BROKER=broker):
        assert DramatiqWorker(ProcessConfig("d", DRAMATIQ)).broker_url() == url


def test_broker_url_without_setting_is_django_dramatiqs_default() -> None:
    """django-dramatiq's default broker: RabbitMQ on 127.0.0.1."""
    backend = DramatiqWorker(ProcessConfig("d", DRAMATIQ))
    assert backend.broker_url() == "amqp://127.0.0.1:5672"


#: What rundramatiq replaces itself with, but the options at the end.
DRAMATIQ_LINE = (
    "/venv/bin/python /venv/bin/dramatiq --path . --processes 2 --threads 8 "
    "--worker-shutdown-timeout 600000 django_dramatiq.setup jobs.dramatiq_tasks"
)


@pytest.mark.parametrize(
    ("args", "extra", "end", "matches"),
    [
        ({}, [], "", True),
        ({}, [], " --queues a --skip-logging", True),  # nothing said: any
        ({"processes": 2, "threads": 8}, [], "", True),
        ({"processes": 3}, [], "", False),
        ({"threads": 4}, [], "", False),
        ({"queues": ["a", "b"]}, [], " --queues a b", True),
        ({"queues": ["a", "b"]}, [], " --queues a", False),
        ({"queues": ["a"]}, [], " --queues b", False),
        ({}, ["-Q", "a", "b"], " --queues a b", True),
        ({}, ["-Qa"], " --queues a", True),
        (
            {"Q": "a", "pid-file": "/run/d.pid"},
            [],
            " --queues a --pid-file /run/d.pid",
            True,
        ),
        (
            {"skip-logging": True, "use-spawn": True},
            [],
            " --skip-logging --use-spawn",
            True,
        ),
        ({"skip-logging": True}, [], "", False),
        ({"use-gevent": True}, [], "", False),  # dramatiq-gevent runs
    ],
)
def test_probe_finds_the_command_rundramatiq_became(
    args: dict[str, object], extra: list[str], end: str, matches: bool
) -> None:
    """The probe's pattern matches the command line that rundramatiq execs, its
    options as this entry gives them; the ``--processes`` value is how many
    workers it wants."""
    probe = DramatiqWorker(ProcessConfig("d", DRAMATIQ, args=args)).probe(extra)
    [pattern] = probe.patterns
    found = re.fullmatch(pattern, DRAMATIQ_LINE + end)
    assert bool(found) is matches
    assert not found or found["workers"] == "2"


# -- real runs -----------------------------------------------------------------


@pytest.mark.integration
def test_worker_runs_a_task(tmp_path: Path, example_db: Path, redis_url: str) -> None:
    """rundramatiq becomes dramatiq in the launched PID; a worker process runs
    the actor."""
    QUEUE.enqueue(example_db, redis_url, "quick", 0)
    mine = own_option("--pid-file", tmp_path)
    with QUEUE.launch(tmp_path, example_db, redis_url, *mine) as worker:
        worker.wait_for_text("Worker process is ready for action.", timeout=60)
        assert "--queues default low" in worker.text()
        worker.wait_for_text("[dramatiq.MainProcess]")
        assert f"[PID {worker.pid}] [MainThread] [dramatiq.MainProcess]" in (
            worker.text()
        )
        finished = wait_until(
            lambda: [row for row in records(example_db, "quick") if row[2]],
            timeout=60,
        )
        assert finished, worker.text()
        [(runner, pid, _)] = records(example_db, "quick")
        assert runner == "dramatiq"
        assert pid in worker.remember_tree() - {worker.pid}
        healthy = probe_says("dramatiq", example_db, redis_url, *mine)
        assert healthy == (0, "dramatiq is healthy: dramatiq: running\n")
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0, worker.text()
    status, said = probe_after_stop("dramatiq", example_db, redis_url, *mine)
    assert status == 1
    assert "dramatiq is not healthy: dramatiq: nothing runs its command" in said


@pytest.mark.integration
def test_probe_counts_the_worker_processes(
    tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    """Two spawned workers (their command lines are not the main process's):
    healthy while both run; one killed, the probe says so, or that nothing
    runs once Dramatiq has stopped the rest."""
    workers = ("--", "--processes=2", "--use-spawn")
    env = queue_env(example_db, redis_url)
    with QUEUE.launch(tmp_path, example_db, redis_url, *workers) as worker:
        worker.wait_for_text("Worker process is ready for action.", 2, timeout=60)
        ask = ("prodserver", "dramatiq", QUEUE_SETTINGS, "--probe", *workers)
        healthy = manage(*ask, env=env)
        assert healthy.stdout == "dramatiq is healthy: dramatiq: running\n"
        main = psutil.Process(worker.pid)
        assert "--use-spawn" in main.cmdline()
        spawned = [
            p for p in main.children() if "--multiprocessing-fork" in p.cmdline()
        ]
        assert len(spawned) == 2, [p.cmdline() for p in main.children()]
        worker.remember_tree()
        spawned[0].kill()
        unhealthy = manage(*ask, env=env)
        assert unhealthy.returncode == 1
        said = unhealthy.stderr.removeprefix(
            "CommandError: dramatiq is not healthy: dramatiq: "
        )
        # Dramatiq stops the other worker, then itself, when one dies: the
        # probe may ask at any moment of that.
        assert said in {
            "1 of its 2 worker processes run\n",
            "0 of its 2 worker processes run\n",
            "nothing runs its command\n",
        }
        assert worker.wait(timeout=60) != 0


@pytest.mark.integration
@pytest.mark.parametrize("mode", [(), ("--spawn",)], ids=["exec", "spawn"])
def test_sigterm_lets_the_running_task_finish(
    mode: tuple[str, ...], tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    worker = check_sigterm_lets_the_running_task_finish(
        QUEUE, tmp_path, example_db, redis_url, *mode
    )
    assert "Sending signal 'SIGTERM' to subprocesses..." in worker.text()


@pytest.mark.integration
def test_second_sigterm_kills_the_workers(
    tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    """The second SIGTERM kills the worker processes: the task is lost, exit 1."""
    status, finished = second_sigterm(QUEUE, tmp_path, example_db, redis_url)
    assert (status, finished) == (1, None)


# -- the installed dramatiq ------------------------------------------------------


def test_every_rundramatiq_option_is_known() -> None:
    """The option lists match the installed rundramatiq's parser."""
    parser = command_parser("django_dramatiq", "rundramatiq")
    check_argparse_options(parser, DramatiqWorker.option_rules)


def test_worker_shutdown_timeout_is_dramatiqs_default() -> None:
    """rundramatiq passes dramatiq's own default, unless told otherwise."""
    from dramatiq.cli import make_argument_parser

    option = "worker-shutdown-timeout"
    assert (
        argparse_default(make_argument_parser(), option) == WORKER_SHUTDOWN_TIMEOUT_MS
    )
    parser = command_parser("django_dramatiq", "rundramatiq")
    assert argparse_default(parser, option) == WORKER_SHUTDOWN_TIMEOUT_MS
    budget = DramatiqWorker(ProcessConfig("d", "d")).default_stop_timeout([])
    assert budget == WORKER_SHUTDOWN_TIMEOUT_MS / 1000 + STOP_MARGIN
