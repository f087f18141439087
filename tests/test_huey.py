"""Huey's ``run_huey``: its command line, checks and broker URL, and real
consumers on a private redis-server."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from django.test import override_settings

from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.huey import HueyConsumer
from django_prodserver.checks import check_processes
from tests.parsers import check_argparse_options, command_parser
from tests.processes import backend_argv, records
from tests.queues import (
    Queue,
    check_sigterm_lets_the_running_task_finish,
    own_option,
    probe_after_stop,
    probe_says,
    second_sigterm,
    wait_for_start,
)

HUEY = "django_prodserver.backends.huey.HueyConsumer"
QUEUE = Queue(
    "huey",
    "huey",
    "from jobs.huey_tasks import record_huey; record_huey('{key}', {seconds})",
    "Shutting down gracefully",
)
TERM = "--graceful-signal=TERM"


@pytest.mark.parametrize(
    ("args", "extra", "argv"),
    [
        # SIGTERM is made the graceful signal, unless ARGS or -- choose one.
        ({}, [], [TERM]),
        ({"graceful-signal": "INT"}, [], ["--graceful-signal=INT"]),
        ({"g": "TERM"}, [], [TERM]),
        ({}, ["-g", "INT"], ["-g", "INT"]),
        (
            {"workers": 4, "worker-type": "process"},
            [],
            ["--workers=4", "--worker-type=process", TERM],
        ),
        ({"w": 2, "k": "thread"}, [], ["--workers=2", "--worker-type=thread", TERM]),
        ({"worker_type": "greenlet"}, [], ["--worker-type=greenlet", TERM]),
        ({"shutdown-timeout": 30}, [], ["--shutdown-timeout=30", TERM]),
        ({"no-periodic": True, "quiet": "yes"}, [], ["--no-periodic", "--quiet", TERM]),
        ({"flush-locks": False}, [], [TERM]),
        # huey_consumer's and HUEY["consumer"]'s spellings.
        ({"verbose": True}, [], ["--huey-verbose", TERM]),
        ({"initial_delay": 0.5}, [], ["--delay=0.5", TERM]),
        ({"simple-log": True}, [], ["--simple", TERM]),
        # -v stays Django's verbosity.
        ({"v": 2}, [], ["--verbosity=2", TERM]),
        ({"workers": 2}, ["-w", "3"], [TERM, "-w", "3"]),
    ],
)
def test_run_huey_argv(
    args: dict[str, object], extra: list[str], argv: list[str]
) -> None:
    assert backend_argv(HueyConsumer, args, extra) == argv


def test_the_program_is_run_huey_of_django() -> None:
    program = HueyConsumer(ProcessConfig("huey", HUEY)).program_argv()
    assert program[1:] == ["-m", "django", "run_huey"]


def test_signals_run_huey_takes() -> None:
    """HUP re-executes a ``python -m django`` consumer into a failure; QUIT,
    USR1 and USR2 kill it."""
    assert HueyConsumer.stop_signal == "SIGTERM"
    assert HueyConsumer.accepted_signals == {"SIGINT", "SIGTERM"}
    assert HueyConsumer.can_exec


def check_ids(args: dict[str, object], **settings: object) -> list[tuple[str, str]]:
    with override_settings(**settings):
        messages = check_processes({"huey": {"BACKEND": HUEY, "ARGS": args}})
    return [(m.id or "", m.hint or "") for m in messages]


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("worker_typ", "worker-type"),
        ("shutdown-timout", "shutdown-timeout"),
        ("graceful-signals", "graceful-signal"),
    ],
)
def test_unknown_option_gets_did_you_mean(key: str, suggestion: str) -> None:
    found = check_ids({key: 1})
    assert ("prodserver.W002", f"Did you mean {suggestion!r}?") in found


def test_e011_without_djhuey_in_installed_apps() -> None:
    assert check_ids({}) == [
        ("prodserver.E011", 'Add "huey.contrib.djhuey" to INSTALLED_APPS.')
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, []),
        ({"graceful-signal": "TERM"}, []),
        ({"graceful_signal": "SIGTERM"}, []),
        ({"graceful-signal": "INT"}, ["prodserver.W009"]),
        ({"g": "int"}, ["prodserver.W009"]),
    ],
)
def test_w009_when_sigterm_would_interrupt_tasks(
    args: dict[str, object], expected: list[str]
) -> None:
    found = [i for i, _ in check_ids(args)]
    assert [i for i in found if i != "prodserver.E011"] == expected


@pytest.mark.parametrize(
    ("huey", "debug", "expected"),
    [
        ({"immediate": False}, True, []),
        ({"immediate": True}, False, ["prodserver.W010"]),
        ({"name": "mysite"}, True, ["prodserver.W010"]),  # djhuey's default: DEBUG
        ({"name": "mysite"}, False, []),
    ],
)
def test_w010_when_huey_runs_in_immediate_mode(
    huey: dict[str, object], debug: bool, expected: list[str]
) -> None:
    found = [i for i, _ in check_ids({}, HUEY=huey, DEBUG=debug)]
    assert [i for i in found if i != "prodserver.E011"] == expected


@pytest.mark.parametrize(
    ("huey", "url"),
    [
        ({"connection": {"url": "redis://r:6379/3"}}, "redis://r:6379/3"),
        ({"url": "redis://top:6379/1"}, "redis://top:6379/1"),
        (
            {"connection": {"host": "h", "port": 6380, "db": 2, "password": "x"}},
            "redis://:x@h:6380/2",
        ),
        ({"name": "mysite", "immediate": False}, "redis://localhost:6379/0"),
        ({"huey_class": "huey.PriorityRedisHuey", "url": "redis://p/0"}, "redis://p/0"),
        ({"huey_class": "huey.SqliteHuey", "filename": "/tmp/huey.db"}, None),
        ({"connection": {"connection_pool": object()}}, None),
        (object(), None),  # a Huey instance: not read
    ],
)
def test_broker_url_is_hueys_redis(huey: object, url: str | None) -> None:
    with override_settings(HUEY=huey):
        assert HueyConsumer(ProcessConfig("huey", HUEY)).broker_url() == url


def test_broker_url_without_huey_setting_is_djhueys_default() -> None:
    backend = HueyConsumer(ProcessConfig("huey", HUEY))
    assert backend.broker_url() == "redis://localhost:6379/0"


# -- real runs -----------------------------------------------------------------


@pytest.mark.integration
def test_consumer_runs_a_task(tmp_path: Path, example_db: Path, redis_url: str) -> None:
    QUEUE.enqueue(example_db, redis_url, "quick", 0)
    mine = own_option("--extra-locks", tmp_path)
    with QUEUE.launch(tmp_path, example_db, redis_url, *mine) as consumer:
        assert consumer.wait_for_text("executed in", timeout=60)
        [(runner, pid, finished)] = records(example_db, "quick")
        assert (runner, finished is not None) == ("huey", True)
        assert pid == consumer.pid  # thread workers: the consumer's own PID
        healthy = probe_says("huey", example_db, redis_url, *mine)
        assert healthy == (0, "huey is healthy: run_huey: running\n")
        consumer.signal(signal.SIGTERM)
        assert consumer.wait() == 0, consumer.text()
    status, said = probe_after_stop("huey", example_db, redis_url, *mine)
    assert status == 1
    assert "huey is not healthy: run_huey: nothing runs run_huey " in said


@pytest.mark.integration
@pytest.mark.parametrize("mode", [(), ("--spawn",)], ids=["exec", "spawn"])
def test_sigterm_lets_the_running_task_finish(
    mode: tuple[str, ...], tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    consumer = check_sigterm_lets_the_running_task_finish(
        QUEUE, tmp_path, example_db, redis_url, *mode
    )
    assert "Shutting down gracefully..." in consumer.text()


@pytest.mark.integration
def test_second_sigterm_interrupts_the_task(
    tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    status, finished = second_sigterm(QUEUE, tmp_path, example_db, redis_url)
    assert (status, finished) == (0, None)


@pytest.mark.integration
def test_sigterm_interrupts_the_task_when_int_is_the_graceful_signal(
    tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    """Why prodserver passes ``--graceful-signal=TERM``: with Huey's default
    (INT), SIGTERM stops the consumer at once and the task is lost."""
    QUEUE.enqueue(example_db, redis_url, "lost", 30)
    argv_extra = ("--", "--graceful-signal=INT")
    with QUEUE.launch(tmp_path, example_db, redis_url, *argv_extra) as consumer:
        wait_for_start(consumer, example_db, "lost")
        consumer.signal(signal.SIGTERM)
        assert consumer.wait(timeout=20) == 0, consumer.text()
    [(_, _, finished)] = records(example_db, "lost")
    assert finished is None


# -- the installed huey ----------------------------------------------------------


def test_every_run_huey_option_is_known() -> None:
    """The option lists match the installed run_huey's parser."""
    parser = command_parser("huey.contrib.djhuey", "run_huey")
    check_argparse_options(parser, HueyConsumer.option_rules)


def test_no_stop_budget_as_huey_sets_no_shutdown_timeout() -> None:
    """Huey's consumer waits for its tasks however long by default: so does
    prodserver."""
    import inspect

    from huey.consumer import Consumer

    default = inspect.signature(Consumer).parameters["shutdown_timeout"].default
    assert default is None
    with override_settings(HUEY={"huey_class": "huey.RedisHuey"}):
        budget = HueyConsumer(ProcessConfig("huey", "huey")).default_stop_timeout([])
    assert budget is None
