"""Django-Q2's ``qcluster``: its command line, cluster name and checks, and
real clusters on the ORM broker of a migrated SQLite database."""

from __future__ import annotations

import signal
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.django_q2 import DjangoQ2Worker
from django_prodserver.checks import check_processes
from tests.commands import plans_of
from tests.parsers import argparse_options, check_argparse_options, command_parser
from tests.processes import WORKER_SETTINGS as WORKERS
from tests.processes import (
    example_env,
    launch,
    manage,
    prodserver,
    records,
    shell,
    wait_until,
)

Q2 = "django_prodserver.backends.django_q2.DjangoQ2Worker"
DJANGO_Q2 = tuple(int(part) for part in version("django-q2").split(".")[:2])
QCLUSTER = [sys.executable, "-m", "django", "qcluster"]


@pytest.mark.parametrize(
    ("args", "options", "env"),
    [
        ({}, [], {}),
        ({"verbosity": 2}, ["--verbosity=2"], {}),
        ({"verbosity": "0"}, ["--verbosity=0"], {}),
        ({"v": 3}, ["--verbosity=3"], {}),
        ({"run-once": True}, ["--run-once"], {}),
        ({"run_once": "no"}, [], {}),
        # The cluster name goes where Django-Q2 reads it, the environment.
        ({"name": "other"}, [], {"Q_CLUSTER_NAME": "other"}),
        ({"cluster-name": "other"}, [], {"Q_CLUSTER_NAME": "other"}),
        (
            {"n": "other", "verbosity": 1},
            ["--verbosity=1"],
            {"Q_CLUSTER_NAME": "other"},
        ),
    ],
)
def test_qcluster_args(
    args: dict[str, object], options: list[str], env: dict[str, str]
) -> None:
    (plan,) = plans_of({"BACKEND": Q2, "ARGS": args})
    assert plan["argv"] == [*QCLUSTER, *options]
    plan_env: Any = plan["env"]
    assert {k: v for k, v in plan_env.items() if k.startswith("Q_")} == env


def test_env_entry_wins_over_the_cluster_name() -> None:
    (plan,) = plans_of(
        {"BACKEND": Q2, "ARGS": {"name": "a"}, "ENV": {"Q_CLUSTER_NAME": "b"}}
    )
    assert plan["env"]["Q_CLUSTER_NAME"] == "b"  # type: ignore[index]


def test_signals_qcluster_takes() -> None:
    """Never QUIT or HUP: they kill the main process and orphan its workers."""
    assert DjangoQ2Worker.stop_signal == "SIGTERM"
    assert DjangoQ2Worker.accepted_signals == {"SIGINT", "SIGTERM"}


def test_e011_without_django_q_in_installed_apps() -> None:
    apps = [app for app in settings.INSTALLED_APPS if app != "django_q"]
    with override_settings(INSTALLED_APPS=apps):
        [message] = DjangoQ2Worker(ProcessConfig("q2", Q2)).check_config()
    assert message.id == "prodserver.E011"
    assert message.hint == 'Add "django_q" to INSTALLED_APPS, then migrate.'


@pytest.mark.parametrize(
    ("q_cluster", "name", "expected"),
    [
        ({"name": "mysite", "orm": "default"}, "other", ["prodserver.E013"]),
        ({"name": "mysite", "orm": "default"}, "mysite", []),
        ({"name": "mysite", "ALT_CLUSTERS": {}}, "other", []),
        ({"name": "mysite", "ALT_CLUSTERS": {"other": {}}}, "other", []),
    ],
)
def test_cluster_name_needs_alt_clusters(
    q_cluster: dict[str, object], name: str, expected: list[str]
) -> None:
    with override_settings(Q_CLUSTER=q_cluster):
        messages = check_processes({"q2": {"BACKEND": Q2, "ARGS": {"name": name}}})
    assert [m.id for m in messages] == expected


def test_unknown_option_gets_did_you_mean() -> None:
    messages = check_processes({"q2": {"BACKEND": Q2, "ARGS": {"run-onse": True}}})
    assert [(m.id, m.hint) for m in messages] == [
        ("prodserver.W002", "Did you mean 'run-once'?")
    ]


# -- real runs -----------------------------------------------------------------


def async_task(
    db: Path, key: str, seconds: float = 0, cluster: str | None = None
) -> None:
    """Enqueue the example task with Django-Q2's ``async_task`` (ORM broker)."""
    options = f", cluster={cluster!r}" if cluster else ""
    code = (
        "from django_q.tasks import async_task; "
        f"async_task('jobs.q2_tasks.record_q2', {key!r}, {seconds}{options})"
    )
    shell(db, code)


def run_cluster(name: str, key: str, tmp_path: Path, example_db: Path) -> None:
    """Start ``prodserver NAME``; once the queued task has started, SIGTERM: the
    task completes and the whole cluster stops."""
    env = example_env(EXAMPLE_DB=str(example_db))
    with launch(prodserver(name, WORKERS), tmp_path, env=env) as cluster:
        assert wait_until(lambda: records(example_db, key), timeout=60), cluster.text()
        [(runner, pid, _)] = records(example_db, key)
        assert runner == "django-q2"
        assert pid in cluster.remember_tree() - {cluster.pid}  # one of its workers
        healthy = manage("prodserver", name, WORKERS, "--probe", env=env)
        assert (healthy.returncode, healthy.stdout) == (
            0, f"{name} is healthy: qcluster: running\n"
        )  # fmt: skip
        cluster.signal(signal.SIGTERM)
        status = cluster.wait(timeout=60)
        # Before 1.11 (the versions for Django < 5.2), Django-Q2 ends a clean stop
        # with an AttributeError from its main loop, and exit status 1.
        assert status in ((0,) if DJANGO_Q2 >= (1, 11) else (0, 1)), cluster.text()
        assert wait_until(lambda: not cluster.alive(), timeout=10), cluster.alive()
    [(_, _, finished)] = records(example_db, key)
    assert finished is not None
    stopped = manage("prodserver", name, WORKERS, "--probe", env=env)
    assert stopped.returncode == 1
    assert f"{name} is not healthy: qcluster: nothing runs qcluster" in stopped.stderr


@pytest.mark.integration
def test_q2_runs_an_async_task_and_sigterm_lets_it_finish(
    tmp_path: Path, example_db: Path
) -> None:
    async_task(example_db, "queued", seconds=2)
    run_cluster("q2", "queued", tmp_path, example_db)


@pytest.mark.integration
def test_cluster_name_from_args_reaches_the_cluster(
    tmp_path: Path, example_db: Path
) -> None:
    """qcluster's own --name is read too late on Linux; Q_CLUSTER_NAME is not."""
    async_task(example_db, "named", cluster="other")
    run_cluster("q2_other", "named", tmp_path, example_db)


# -- the installed Django-Q2 -----------------------------------------------------


def test_every_qcluster_option_is_known() -> None:
    """The option lists match the installed qcluster's parser, but for the
    options that prodserver handles itself (``name``: see the module)."""
    parser = command_parser("django_q", "qcluster")
    own = DjangoQ2Worker.own_args
    assert argparse_options(parser) & own == {"name"}
    check_argparse_options(parser, DjangoQ2Worker.option_rules, exempt=own)
