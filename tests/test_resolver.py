"""What the resolver puts in a plan beside the command: the stop budget (each
backend's default, read from the program's own options) and the restart
policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from django_prodserver.config.environment import LaunchContext
from django_prodserver.launch.plan import Plan
from django_prodserver.launch.resolver import resolve
from django_prodserver.validation.entries import check_entry

BACKENDS = "django_prodserver.backends"
GUNICORN = f"{BACKENDS}.gunicorn.GunicornServer"
UVICORN = f"{BACKENDS}.uvicorn.UvicornServer"
UVICORN_WSGI = f"{BACKENDS}.uvicorn.UvicornWSGIServer"
GRANIAN = f"{BACKENDS}.granian.GranianWSGIServer"
GRANIAN_ASGI = f"{BACKENDS}.granian.GranianASGIServer"
WAITRESS = f"{BACKENDS}.waitress.WaitressServer"
WORKER = f"{BACKENDS}.celery.CeleryWorker"
BEAT = f"{BACKENDS}.celery.CeleryBeat"
TASKS = f"{BACKENDS}.django_tasks.DjangoTasksWorker"
Q2 = f"{BACKENDS}.django_q2.DjangoQ2Worker"
APP = "mysite.celery.app"


def plans(entry: dict[str, Any], *extra_args: str) -> list[Plan]:
    """The plans of one entry (configured as process "p")."""
    context = LaunchContext.current()
    checked = check_entry("p", entry, context)
    assert checked.backend is not None, checked.messages
    return resolve(checked.backend, context, list(extra_args))


def budget(entry: dict[str, Any], *extra_args: str) -> float | None:
    budgets = {plan.stop_timeout for plan in plans(entry, *extra_args)}
    assert len(budgets) == 1
    return budgets.pop()


def gunicorn(**args: object) -> dict[str, Any]:
    return {"BACKEND": GUNICORN, "ARGS": args}


def worker(**args: object) -> dict[str, Any]:
    return {"BACKEND": WORKER, "APP": APP, "ARGS": args}


# (entry, arguments after --, the stop budget): the program's own graceful window
# plus 5 seconds, None where it waits without a bound.
BUDGETS = [
    pytest.param(gunicorn(), [], 35.0, id="gunicorn-default"),
    pytest.param(gunicorn(graceful_timeout=60), [], 65.0, id="gunicorn-args"),
    pytest.param(gunicorn(), ["--graceful-timeout=5"], 10.0, id="gunicorn-extra"),
    pytest.param(
        gunicorn(), ["--graceful-timeout", "7"], 12.0, id="gunicorn-two-words"
    ),
    pytest.param(
        {"BACKEND": GUNICORN, "ENV": {"GUNICORN_CMD_ARGS": "--graceful-timeout 50"}},
        [],
        55.0,
        id="gunicorn-cmd-args",
    ),
    pytest.param({"BACKEND": UVICORN}, [], None, id="uvicorn-no-bound"),
    pytest.param({"BACKEND": UVICORN_WSGI}, [], None, id="uvicorn-wsgi-no-bound"),
    pytest.param(
        {"BACKEND": UVICORN, "ARGS": {"timeout-graceful-shutdown": 10}},
        [],
        15.0,
        id="uvicorn-args",
    ),
    pytest.param(
        {"BACKEND": UVICORN, "ENV": {"UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN": "3"}},
        [],
        8.0,
        id="uvicorn-variable",
    ),
    pytest.param({"BACKEND": GRANIAN}, [], 35.0, id="granian-default"),
    pytest.param({"BACKEND": GRANIAN_ASGI}, [], 35.0, id="granian-asgi-default"),
    pytest.param(
        {"BACKEND": GRANIAN, "ARGS": {"workers-kill-timeout": "1m30s"}},
        [],
        95.0,
        id="granian-duration",
    ),
    pytest.param({"BACKEND": WAITRESS}, [], 10.0, id="waitress"),
    pytest.param(worker(), [], None, id="celery-no-time-limit"),
    pytest.param(worker(time_limit=300), [], 305.0, id="celery-time-limit"),
    pytest.param(worker(), ["--time-limit=60"], 65.0, id="celery-extra"),
    pytest.param(worker(pool="gevent", time_limit=60), [], 65.0, id="celery-gevent"),
    pytest.param(worker(pool="solo", time_limit=60), [], None, id="celery-solo"),
    pytest.param(worker(time_limit=60), ["-P", "threads"], None, id="celery-threads"),
    pytest.param({"BACKEND": BEAT, "APP": APP}, [], 10.0, id="celery-beat"),
    pytest.param({"BACKEND": TASKS}, [], None, id="django-tasks"),
    pytest.param({"BACKEND": TASKS, "ARGS": {"processes": 2}}, [], None, id="pool"),
    pytest.param({"BACKEND": Q2}, [], 35.0, id="django-q2-timeout"),
    pytest.param({"BACKEND": "mysite.backends.SignalEcho"}, [], 10.0, id="custom"),
    # STOP_TIMEOUT wins over every default.
    pytest.param({"BACKEND": UVICORN, "STOP_TIMEOUT": 20}, [], 20.0, id="set"),
    pytest.param({"BACKEND": GUNICORN, "STOP_TIMEOUT": None}, [], None, id="none"),
    pytest.param({**worker(), "STOP_TIMEOUT": 2.5}, [], 2.5, id="fraction"),
]


@pytest.mark.parametrize(("entry", "extra_args", "expected"), BUDGETS)
def test_stop_budget(
    entry: dict[str, Any], extra_args: list[str], expected: float | None
) -> None:
    assert budget(entry, *extra_args) == expected


@override_settings(CELERY_TASK_TIME_LIMIT=120)
def test_celery_time_limit_from_the_settings() -> None:
    assert budget(worker()) == 125.0
    assert budget(worker(time_limit=10)) == 15.0  # the command line wins
    with override_settings(CELERY_WORKER_POOL="solo"):
        assert budget(worker()) is None


@pytest.mark.parametrize(
    ("q_cluster", "name", "expected"),
    [
        ({"name": "mysite", "orm": "default"}, None, None),
        ({"name": "mysite", "timeout": 60}, None, 65.0),
        ({"name": "mysite", "ALT_CLUSTERS": {"other": {"timeout": 5}}}, "other", 10.0),
        ({"name": "mysite", "timeout": 60, "ALT_CLUSTERS": {}}, "other", 65.0),
    ],
)
def test_django_q2_timeout_of_its_cluster(
    q_cluster: dict[str, object], name: str | None, expected: float | None
) -> None:
    entry = {"BACKEND": Q2, "ARGS": {"name": name} if name else {}}
    with override_settings(Q_CLUSTER=q_cluster):
        assert budget(entry) == expected


@pytest.mark.parametrize("restart", ["on-failure", "always"])
def test_a_process_that_restarts_is_never_exec_ed(restart: str) -> None:
    (plan,) = plans({"BACKEND": GUNICORN, "RESTART": restart})
    assert plan.restart == restart
    assert not plan.can_exec


def test_by_default_a_process_is_not_restarted() -> None:
    (plan,) = plans({"BACKEND": GUNICORN})
    assert plan.restart == "no"
    assert plan.can_exec


RQ = f"{BACKENDS}.rq.RQWorker"
HUEY = f"{BACKENDS}.huey.HueyConsumer"
DRAMATIQ = f"{BACKENDS}.dramatiq.DramatiqWorker"


@pytest.mark.parametrize(
    ("queues", "args", "expected"),
    [
        ({"default": {"URL": "redis://r/0"}}, {}, 185.0),  # RQ's 180 s + 5
        (
            {"high": {"DEFAULT_TIMEOUT": 30}, "low": {"DEFAULT_TIMEOUT": 600}},
            {"queues": ["high", "low"]},
            605.0,
        ),
        ({"default": {"DEFAULT_TIMEOUT": -1}}, {}, None),  # jobs without a limit
    ],
)
def test_rq_waits_for_the_longest_job_of_its_queues(
    queues: dict[str, object], args: dict[str, object], expected: float | None
) -> None:
    with override_settings(RQ_QUEUES=queues):
        assert budget({"BACKEND": RQ, "ARGS": args}) == expected


@pytest.mark.parametrize(
    ("huey", "extra_args", "expected"),
    [
        ({}, [], None),  # the consumer waits for its tasks without a bound
        ({"consumer": {"shutdown_timeout": 20}}, [], 25.0),
        ({"consumer": {"shutdown_timeout": 20}}, ["--shutdown-timeout=3"], 8.0),
    ],
)
def test_huey_shutdown_timeout(
    huey: dict[str, object], extra_args: list[str], expected: float | None
) -> None:
    with override_settings(HUEY=huey):
        assert budget({"BACKEND": HUEY}, *extra_args) == expected


def test_dramatiq_worker_shutdown_timeout() -> None:
    assert budget({"BACKEND": DRAMATIQ}) == 605.0  # ten minutes (ms) + 5 s
    args = {"worker-shutdown-timeout": 30000}
    assert budget({"BACKEND": DRAMATIQ, "ARGS": args}) == 35.0


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"BACKEND": f"{BACKENDS}.hypercorn.HypercornServer"}, 8.0),  # 3 s + 5
        (
            {
                "BACKEND": f"{BACKENDS}.hypercorn.HypercornServer",
                "ARGS": {"graceful-timeout": 20},
            },
            25.0,
        ),
        ({"BACKEND": f"{BACKENDS}.uwsgi.UWSGIServer"}, None),  # no bound of its own
        ({"BACKEND": f"{BACKENDS}.uwsgi.UWSGIServer", "ARGS": {"harakiri": 60}}, 65.0),
        ({"BACKEND": f"{BACKENDS}.daphne.DaphneServer"}, 10.0),
    ],
)
def test_web_servers_added_later(entry: dict[str, Any], expected: float | None) -> None:
    assert budget(entry) == expected
