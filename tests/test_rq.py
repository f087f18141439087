"""RQ's ``rqworker`` (django-rq): its command line, checks and broker URL, and
real workers on a private redis-server."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from django.test import override_settings

from django_prodserver.backends.base import STOP_MARGIN, ProcessConfig
from django_prodserver.backends.rq import DEFAULT_JOB_TIMEOUT, RQWorker
from django_prodserver.checks import check_processes
from tests.parsers import check_argparse_options, command_parser
from tests.processes import backend_argv, records
from tests.queues import (
    Queue,
    check_sigterm_lets_the_running_task_finish,
    own_option,
    probe_after_stop,
    probe_says,
    second_sigterm_output,
    stopped,
    wait_for_start,
)

RQ = "django_prodserver.backends.rq.RQWorker"
#: The example's worker serves "default" and "low"; the job goes to "low".
QUEUE = Queue(
    "rq",
    "rq",
    "import django_rq; from jobs.rq_tasks import record_rq; "
    "django_rq.get_queue('low').enqueue(record_rq, '{key}', {seconds})",
    "warm shut down requested",
    # rqworker takes a second SIGTERM within a second of the first for the same
    # request, and ignores it.
    debounce=1.2,
    teardown_wait="unsubscribing from channel",
)


@pytest.mark.parametrize(
    ("args", "extra", "argv"),
    [
        ({}, [], []),
        # Queues are positional, in priority order, after the options.
        ({"queues": ["high", "default"]}, [], ["high", "default"]),
        ({"queues": ("high",)}, [], ["high"]),
        ({"queues": "low"}, [], ["low"]),
        ({"queue": "low"}, [], ["low"]),
        ({"queues": ["a"], "burst": True}, [], ["--burst", "a"]),
        ({"with-scheduler": "yes"}, [], ["--with-scheduler"]),
        ({"with_scheduler": False}, [], []),
        ({"name": "w1", "worker-ttl": 600}, [], ["--name=w1", "--worker-ttl=600"]),
        (
            {"max-jobs": 100, "max_idle_time": 60},
            [],
            ["--max-jobs=100", "--max-idle-time=60"],
        ),
        ({"verbosity": 2}, [], ["--verbosity=2"]),
        ({"v": 0}, [], ["--verbosity=0"]),
        (
            {
                "worker-class": "rq.worker.SimpleWorker",
                "serializer": "rq.serializers.JSONSerializer",
            },
            [],
            [
                "--worker-class=rq.worker.SimpleWorker",
                "--serializer=rq.serializers.JSONSerializer",
            ],
        ),
        # Arguments after -- come after the options, before the queues of ARGS.
        ({"queues": ["high"], "name": "a"}, ["--name", "b"], ["--name", "b", "high"]),
    ],
)
def test_rqworker_argv(
    args: dict[str, object], extra: list[str], argv: list[str]
) -> None:
    assert backend_argv(RQWorker, args, extra) == argv


def test_the_program_is_rqworker_of_django() -> None:
    program = RQWorker(ProcessConfig("rq", RQ)).program_argv()
    assert program[1:] == ["-m", "django", "rqworker"]


def test_signals_rqworker_takes() -> None:
    """TERM is warm; QUIT, HUP, USR1 and USR2 orphan the work horse."""
    assert RQWorker.stop_signal == "SIGTERM"
    assert RQWorker.accepted_signals == {"SIGINT", "SIGTERM"}
    assert RQWorker.can_exec


def check_ids(args: dict[str, object], **settings: object) -> list[tuple[str, str]]:
    with override_settings(**settings):
        messages = check_processes({"rq": {"BACKEND": RQ, "ARGS": args}})
    return [(m.id or "", m.hint or "") for m in messages]


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("with-schedular", "with-scheduler"),
        ("max-job", "max-jobs"),
        ("queus", "queues"),
    ],
)
def test_unknown_option_gets_did_you_mean(key: str, suggestion: str) -> None:
    found = check_ids({key: 1}, RQ_QUEUES={"default": {}})
    assert ("prodserver.W002", f"Did you mean {suggestion!r}?") in found


def test_e011_without_django_rq_in_installed_apps() -> None:
    found = check_ids({}, RQ_QUEUES={"default": {}})
    assert found == [
        (
            "prodserver.E011",
            'Add "django_rq" to INSTALLED_APPS, and the queues to RQ_QUEUES.',
        )
    ]


SAME = {"URL": "redis://127.0.0.1:6379/0"}


@pytest.mark.parametrize(
    ("queues", "rq_queues", "expected"),
    [
        (["high", "default"], {"high": SAME, "default": SAME}, []),
        (None, {"default": SAME}, []),
        (None, {"high": SAME}, ["prodserver.E021"]),
        (["high", "hihg"], {"high": SAME}, ["prodserver.E021"]),
        (
            ["high", "default"],
            {"high": SAME, "default": {"URL": "redis://b/0"}},
            ["prodserver.E022"],
        ),
        # Keys that are not the connection may differ.
        (["a", "b"], {"a": {**SAME, "DEFAULT_TIMEOUT": 5}, "b": SAME}, []),
    ],
)
def test_served_queues_must_be_in_rq_queues_on_one_connection(
    queues: list[str] | None, rq_queues: dict[str, object], expected: list[str]
) -> None:
    args = {} if queues is None else {"queues": queues}
    found = [i for i, _ in check_ids(args, RQ_QUEUES=rq_queues)]
    assert [i for i in found if i != "prodserver.E011"] == expected


def test_missing_queue_message_names_the_queue_and_the_setting() -> None:
    with override_settings(RQ_QUEUES={"default": SAME}):
        backend = RQWorker(ProcessConfig("rq", RQ, args={"queues": ["hihg"]}))
        [message] = backend.check_queues()
    assert message.msg == (
        "PRODUCTION_PROCESSES['rq']: RQ queue 'hihg' is not in RQ_QUEUES ('default')"
    )


@pytest.mark.parametrize(
    ("queues", "config", "url"),
    [
        (None, {"default": {"URL": "redis://r:6379/2"}}, "redis://r:6379/2"),
        (
            ["low"],
            {"default": {"URL": "redis://a/0"}, "low": {"URL": "redis://b/1"}},
            "redis://b/1",
        ),
        (
            None,
            {"default": {"HOST": "h", "PORT": 6380, "DB": 3, "PASSWORD": "p@ss"}},
            "redis://:p%40ss@h:6380/3",
        ),
        (
            None,
            {"default": {"HOST": "h", "PORT": 6379, "SSL": True}},
            "rediss://h:6379/0",
        ),
        (
            None,
            {"default": {"UNIX_SOCKET_PATH": "/run/redis.sock", "DB": 1}},
            "unix:///run/redis.sock?db=1",
        ),
        (None, {"default": {"USE_REDIS_CACHE": "redis"}}, "redis://cache:6379/1"),
        (None, {"default": {"SENTINELS": [("s", 26379)], "MASTER_NAME": "m"}}, None),
        (["other"], {"default": {"URL": "redis://r/0"}}, None),
    ],
)
def test_broker_url_is_the_served_queues_redis(
    queues: list[str] | None, config: dict[str, object], url: str | None
) -> None:
    args = {} if queues is None else {"queues": queues}
    caches = {"redis": {"LOCATION": "redis://cache:6379/1"}}
    with override_settings(RQ_QUEUES=config, CACHES=caches):
        assert RQWorker(ProcessConfig("rq", RQ, args=args)).broker_url() == url


# -- real runs -----------------------------------------------------------------


@pytest.mark.integration
def test_worker_runs_a_job_of_its_second_queue(
    tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    """ARGS ``queues: ["default", "low"]`` reach rqworker: a job sent to "low"
    runs in a work horse forked by the launched process."""
    QUEUE.enqueue(example_db, redis_url, "quick", 0)
    mine = own_option("--name", tmp_path)
    with QUEUE.launch(tmp_path, example_db, redis_url, *mine) as worker:
        wait_for_start(worker, example_db, "quick")
        assert "*** Listening on default, low..." in worker.text()
        healthy = probe_says("rq", example_db, redis_url, *mine)
        assert healthy == (0, "rq is healthy: rqworker: running\n")
        worker.signal(signal.SIGTERM)
        assert stopped(worker, QUEUE, timeout=30) in (0, None), worker.text()
    status, said = probe_after_stop("rq", example_db, redis_url, *mine)
    assert status == 1
    assert "rq is not healthy: rqworker: nothing runs rqworker " in said
    [(runner, pid, finished)] = records(example_db, "quick")
    assert (runner, finished is not None) == ("rq", True)
    assert pid != worker.pid  # the work horse


@pytest.mark.integration
@pytest.mark.parametrize("mode", [(), ("--spawn",)], ids=["exec", "spawn"])
def test_sigterm_lets_the_running_job_finish(
    mode: tuple[str, ...], tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    worker = check_sigterm_lets_the_running_task_finish(
        QUEUE, tmp_path, example_db, redis_url, *mode
    )
    assert "warm shut down requested" in worker.text()


@pytest.mark.integration
def test_second_sigterm_is_a_cold_shutdown(
    tmp_path: Path, example_db: Path, redis_url: str
) -> None:
    """The second SIGTERM kills the work horse: the job is lost, exit status 0
    (or RQ's occasional wait in its teardown: tests/queues.py ``stopped``)."""
    status, finished, output = second_sigterm_output(
        QUEUE, tmp_path, example_db, redis_url
    )
    assert finished is None, output
    assert "cold shut down" in output
    assert "killed horse pid" in output
    assert status in (0, None), output


# -- the installed django-rq -----------------------------------------------------


def test_every_rqworker_option_is_known() -> None:
    """The option lists match the installed rqworker's parser."""
    parser = command_parser("django_rq", "rqworker")
    check_argparse_options(parser, RQWorker.option_rules)


def test_default_job_timeout_is_rqs() -> None:
    from rq import Queue

    assert Queue.DEFAULT_TIMEOUT == DEFAULT_JOB_TIMEOUT
    with override_settings(RQ_QUEUES={"default": {"URL": "redis://127.0.0.1"}}):
        budget = RQWorker(ProcessConfig("rq", "rq")).default_stop_timeout([])
    assert budget == DEFAULT_JOB_TIMEOUT + STOP_MARGIN
