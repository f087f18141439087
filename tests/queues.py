"""What the tests of the Redis task queues (RQ, Huey, Dramatiq) share.

Each runs a worker of the example project with ``mysite.settings_queues`` on a
private ``redis-server``, enqueues a task of the ``jobs`` app through the
library's own API (in ``manage.py shell``), and reads the row the task records.
"""

from __future__ import annotations

import signal
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from tests.processes import (
    Launched,
    example_env,
    launch,
    manage,
    prodserver,
    records,
    wait_until,
)

#: The example project with its RQ, Huey and Dramatiq workers.
QUEUE_SETTINGS = "--settings=mysite.settings_queues"
#: Seconds the task runs while the worker is told to stop.
TASK_SECONDS = 3


def queue_env(db: Path, redis_url: str) -> dict[str, str]:
    return example_env(EXAMPLE_DB=str(db), REDIS_URL=redis_url)


@dataclass(frozen=True)
class Queue:
    """One task queue of the example project: its process and its task."""

    #: The process in ``settings_queues.PRODUCTION_PROCESSES``.
    process: str
    #: What the task records as its runner.
    runner: str
    #: Python that enqueues the task; formatted with ``key`` and ``seconds``.
    enqueue_code: str
    #: What the worker logs once it has taken a graceful stop in hand.
    stopping: str
    #: Seconds after that before a second signal counts as one (RQ ignores a
    #: second signal that comes within a second of the first).
    debounce: float = 0.0
    #: The last line of a worker that, now and then, has not exited a minute
    #: after its stop (RQ, whose teardown can wait on its pub/sub thread).
    teardown_wait: str | None = None

    def enqueue(self, db: Path, redis_url: str, key: str, seconds: float) -> None:
        code = self.enqueue_code.format(key=key, seconds=seconds)
        result = manage(
            "shell", QUEUE_SETTINGS, "-c", code, env=queue_env(db, redis_url)
        )
        assert result.returncode == 0, result.stderr

    def launch(
        self, tmp_path: Path, db: Path, redis_url: str, *options: str
    ) -> AbstractContextManager[Launched]:
        argv = prodserver(self.process, QUEUE_SETTINGS, *options)
        return launch(argv, tmp_path, env=queue_env(db, redis_url))


def probe_says(name: str, db: Path, redis_url: str, *args: str) -> tuple[int, str]:
    """The status and output of ``prodserver NAME --probe ARGS`` of a queue
    worker. A probe finds the worker by its command: a test whose worker may
    run beside another test's gives both an option of its own (``ARGS``: ``--``
    and that option), so that neither probe finds the other's worker."""
    env = queue_env(db, redis_url)
    result = manage("prodserver", name, QUEUE_SETTINGS, "--probe", *args, env=env)
    return result.returncode, result.stdout + result.stderr


def probe_after_stop(
    name: str, db: Path, redis_url: str, *args: str
) -> tuple[int, str]:
    """``probe_says`` once the stopped worker's last process has ended: a child
    it forked (RQ's work horse, a Huey worker process) runs the same command
    and may still be ending for a moment after its parent (within 10 s)."""
    said = probe_says(name, db, redis_url, *args)
    deadline = time.monotonic() + 10
    while said[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
        said = probe_says(name, db, redis_url, *args)
    return said


def own_option(option: str, tmp_path: Path) -> tuple[str, str]:
    """``--`` and ``option`` with a value no other test's worker has."""
    return ("--", f"{option}={tmp_path / 'own'}")


def wait_for_start(worker: Launched, db: Path, key: str) -> None:
    """Until the task ``key`` has started (its row exists), within a minute."""
    assert wait_until(lambda: records(db, key), timeout=60), worker.text()


def stopped(worker: Launched, queue: Queue, timeout: float = 60) -> int | None:
    """The status of a worker told to stop, once it has exited with nothing
    left running; None if it still runs after ``timeout`` in its queue's known
    teardown wait (its last line then; it is killed when the launch ends)."""
    if wait_until(lambda: worker.proc.poll() is not None, timeout=timeout):
        assert wait_until(lambda: not worker.alive(), timeout=10), worker.alive()
        return worker.proc.returncode
    lines = worker.text().rstrip().splitlines() or [""]
    waits = queue.teardown_wait is not None and queue.teardown_wait in lines[-1]
    assert waits, f"still running after {timeout:g} s:\n{worker.text()}"
    return None


def check_sigterm_lets_the_running_task_finish(
    queue: Queue, tmp_path: Path, db: Path, redis_url: str, *options: str
) -> Launched:
    """SIGTERM while a task runs: it finishes, and the launch exits 0 with
    nothing left running."""
    queue.enqueue(db, redis_url, "slow", TASK_SECONDS)
    with queue.launch(tmp_path, db, redis_url, *options) as worker:
        wait_for_start(worker, db, "slow")
        [(runner, pid, finished)] = records(db, "slow")
        assert (runner, finished) == (queue.runner, None)
        assert pid in worker.remember_tree()
        worker.signal(signal.SIGTERM)
        assert stopped(worker, queue) in (0, None), worker.text()
    [(_, _, finished)] = records(db, "slow")
    assert finished is not None, worker.text()
    return worker


def second_sigterm(
    queue: Queue, tmp_path: Path, db: Path, redis_url: str
) -> tuple[int, str | None]:
    """Two SIGTERMs while a long task runs, the second once the worker has taken
    the first in hand (two at once would be handled as one): the exit status,
    and when the task finished (None: abandoned)."""
    status, finished, _ = second_sigterm_output(queue, tmp_path, db, redis_url)
    assert status is not None, "still running after the second SIGTERM"
    return status, finished


def second_sigterm_output(
    queue: Queue, tmp_path: Path, db: Path, redis_url: str
) -> tuple[int | None, str | None, str]:
    """What :func:`second_sigterm` sees, and the worker's output; the status is
    None if the worker was still in its known teardown wait (:func:`stopped`)."""
    queue.enqueue(db, redis_url, "long", 30)
    with queue.launch(tmp_path, db, redis_url) as worker:
        wait_for_start(worker, db, "long")
        worker.signal(signal.SIGTERM)
        worker.wait_for_text(queue.stopping)
        time.sleep(queue.debounce)  # the program's own time rule, not a wait
        assert worker.proc.poll() is None, worker.text()  # the task still runs
        worker.signal(signal.SIGTERM)
        status = stopped(worker, queue)
    [(_, _, finished)] = records(db, "long")
    return status, finished, worker.text()
