"""``make demo``: the example project's web server and task worker, side by side."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.processes import (
    HOST,
    example_env,
    get,
    launch,
    prodserver,
    wait_for_http,
    wait_until,
)

pytestmark = pytest.mark.integration

DEMO = "--settings=mysite.settings_demo"


def test_demo_serves_and_runs_an_enqueued_task(
    tmp_path: Path, port: int, example_db: Path
) -> None:
    env = example_env(EXAMPLE_DB=str(example_db), DEMO_PORT=str(port))
    with launch(prodserver("web", "tasks", DEMO), tmp_path, env=env) as demo:
        base = f"http://{HOST}:{port}"
        status, body = wait_for_http(f"{base}/", demo.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["settings"] == "mysite.settings_demo"
        # The start-up lines say where to open it.
        text = demo.wait_for_text("prodserver: tasks: django db_worker, pid ")
        assert f"prodserver: web: gunicorn, pid {body['ppid']}, {base}/\n" in text
        status, enqueued = get(f"{base}/enqueue/?key=from-the-test")
        assert status == 200
        assert isinstance(enqueued, dict)
        assert enqueued["task"]

        def finished() -> list[dict[str, object]]:
            _, listing = get(f"{base}/records/")
            assert isinstance(listing, dict)
            return [
                r
                for r in listing["records"]  # type: ignore[union-attr]
                if r["key"] == "from-the-test" and r["finished"]
            ]

        # The task's effect: the worker wrote the record, once, and finished it
        # (what django-tasks logs about it differs between its versions).
        assert wait_until(finished, timeout=30), demo.text()
        (record,) = finished()
        web_pid = body["ppid"]  # the gunicorn master, a child of the launcher
        assert record["worker_pid"] != web_pid
        assert record["worker_pid"] in demo.remember_tree()  # the tasks process
        demo.signal(signal.SIGINT)  # Ctrl-C
        assert demo.wait() == 0
        output = demo.text()
    assert "web        | " in output
    assert "tasks      | " in output
