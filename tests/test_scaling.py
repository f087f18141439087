"""The "Scaling out" page's workers, as it shows them: two launches of one
worker entry on one Redis, both taking tasks from the one queue."""

from __future__ import annotations

import functools
import re
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.processes import (
    example_env,
    launch,
    manage,
    prodserver,
    records,
    wait_until,
)
from tests.test_docs import ROOT, SETTINGS_BLOCKS, write_settings

PAGE = ROOT / "docs" / "deployment" / "scaling.md"


def documented_workers() -> str:
    """The page's settings block of the workers."""
    (code,) = [
        code
        for where, code in SETTINGS_BLOCKS
        if where.startswith("docs/deployment/scaling.md") and "CeleryWorker" in code
    ]
    return code


def documented_launches() -> list[list[str]]:
    """The page's two launches on one machine (the words after ``worker``)."""
    text = PAGE.read_text()
    found = re.findall(r"^\$ python manage.py prodserver worker (-- .*)$", text, re.M)
    assert len(found) == 2, found
    return [line.split() for line in found]


def answers_probe(args: list[str], env: dict[str, str]) -> bool:
    return manage("prodserver", "worker", "--probe", *args, env=env).returncode == 0


@pytest.mark.integration
def test_two_worker_launches_share_one_queue(
    tmp_path: Path, example_db: Path, redis_url: str, celery_client: Any
) -> None:
    module = write_settings(tmp_path / "settings", documented_workers())
    settings = [f"--settings={module}", f"--pythonpath={tmp_path / 'settings'}"]
    # Celery takes the broker from CELERY_BROKER_URL before the settings': the
    # page's broker, moved to the test's Redis.
    env = example_env(
        EXAMPLE_DB=str(example_db), REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url
    )
    one, two = documented_launches()
    with (
        launch(prodserver("worker", *settings, *one), tmp_path, env=env) as first,
        launch(prodserver("worker", *settings, *two), tmp_path, env=env) as second,
    ):
        for launched, words in ((first, one), (second, two)):
            # Ready when it answers its probe: a ping through the broker.
            assert wait_until(
                functools.partial(answers_probe, [*settings, *words], env),
                timeout=90,
                interval=1,
            ), launched.text()
        results = [
            celery_client.send_task("jobs.tasks.record", args=[f"shared-{i}", 1])
            for i in range(8)
        ]
        for result in results:
            assert isinstance(result.get(timeout=120), int)
        runners = {
            pid
            for i in range(8)
            for (_, pid, finished) in records(example_db, f"shared-{i}")
            if finished is not None
        }
        assert len(runners) > 1
        by_first = runners & (first.remember_tree() - {first.pid})
        by_second = runners & (second.remember_tree() - {second.pid})
        assert by_first, first.text()
        assert by_second, second.text()
        for worker in (first, second):
            worker.signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0
        assert second.wait(timeout=60) == 0
    assert wait_until(lambda: not first.alive() and not second.alive(), timeout=10)
    assert "one@" in first.text()
    assert "two@" in second.text()
