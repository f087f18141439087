"""Start commands and measure them: time to exit, time to first HTTP 200, memory,
and how long a SIGTERM takes to end every process they started.

Processes are started and cleaned up with the test suite's helpers
(:func:`tests.processes.launch`): stopped by PID, their whole recorded tree,
never by name. A failure is a :class:`Failure` with a one-line reason, which the
figures record instead of a number.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import psutil

from django_prodserver.launch.watchdog import NAME as WATCHDOG_NAME
from tests.processes import InFlight, Launched, launch, wait_for_http

from .contenders import Command

#: How often a starting server is polled (seconds): finer than the differences
#: the benchmark reports.
POLL = 0.005
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
#: How long after the in-flight request reached the view SIGTERM is sent (the
#: request lasts 1 s).
INFLIGHT_LEAD = 0.3
#: How long after the first 200 memory is measured: every worker has booted.
SETTLE = 1.0

Sample = dict[str, float | int | str | None]


class Failure(Exception):
    """A measurement that could not be made; the message says why in one line."""


def time_to_exit(command: Command, timeout: float = START_TIMEOUT) -> float:
    """Wall time of a command that runs to completion; it must exit 0."""
    start = time.perf_counter()
    done = subprocess.run(
        command.argv,
        env=dict(command.env),
        cwd=command.cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise Failure(last_line(done.stderr) or f"exit status {done.returncode}")
    return elapsed


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def memory(pids: Sequence[int]) -> Sample:
    """RSS of the given processes, and RSS and PSS of their whole trees (bytes);
    ``rss_manager`` adds prodserver's watchdog to its supervisor's RSS, and
    ``pss_manager`` is the same pair's PSS (the watchdog is forked from the
    supervisor: RSS counts the pages they share twice, PSS once).

    RSS counts pages shared between a server's master and its forked workers
    once per process; PSS divides them, so its sum is what the tree really uses.
    """
    rss = rss_tree = pss_tree = watchdogs = pss_manager = 0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            main = psutil.Process(pid)
            rss += main.memory_info().rss
            for proc in [main, *main.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    info = proc.memory_full_info()
                    pss = getattr(info, "pss", info.rss)
                    rss_tree += info.rss
                    pss_tree += pss
                    if proc.pid == pid:
                        pss_manager += pss
                    elif proc.ppid() == pid and proc.name() == WATCHDOG_NAME:
                        watchdogs += info.rss
                        pss_manager += pss
    return {
        "rss": rss,
        "rss_tree": rss_tree,
        "pss_tree": pss_tree,
        "rss_manager": rss + watchdogs,
        "pss_manager": pss_manager,
    }


def wait_ready(
    urls: Sequence[str], launched: Sequence[Launched], start: float
) -> float:
    """Seconds from ``start`` until every URL has answered 200."""
    for url in urls:
        remaining = START_TIMEOUT - (time.perf_counter() - start)
        try:
            status, _ = wait_for_http(
                url, launched[0].proc, timeout=max(remaining, 0.1), interval=POLL
            )
        except AssertionError as exc:
            raise Failure(f"{exc}; {log_tail(launched)}") from None
        if status != 200:
            raise Failure(f"{url} answered {status}; {log_tail(launched)}")
    return time.perf_counter() - start


def log_tail(launched: Sequence[Launched]) -> str:
    return " / ".join(last_line(one.text()) or "(no output)" for one in launched)


def stop(launched: Sequence[Launched], sig: int = signal.SIGTERM) -> float:
    """Send ``sig`` to each launched process; seconds until its whole tree exited."""
    for one in launched:
        one.remember_tree()
    start = time.perf_counter()
    for one in launched:
        os.kill(one.pid, sig)
    deadline = start + STOP_TIMEOUT
    while any(one.proc.poll() is None or one.alive() for one in launched):
        if time.perf_counter() > deadline:
            raise Failure(f"still running {STOP_TIMEOUT:.0f}s after SIGTERM")
        time.sleep(POLL)
    return time.perf_counter() - start


@contextlib.contextmanager
def started(commands: Sequence[Command], logs: Path) -> Iterator[list[Launched]]:
    """Start every command at once; whatever is left of them is killed on exit."""
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(
                launch(command.argv, logs, cwd=command.cwd, env=command.env)
            )
            for command in commands
        ]


def measure_launch(
    commands: Sequence[Command],
    urls: Sequence[str],
    logs: Path,
    slow_url: str | None = None,
) -> Sample:
    """Start ``commands`` together and measure them until SIGTERM ended them.

    ``ready``: seconds to the first 200 of every URL; memory a moment later, when
    every worker has booted; ``stop``:
    SIGTERM to every process gone, with a 1-second request in flight when
    ``slow_url`` is given (``inflight`` is then its HTTP status, None if it failed).
    """
    logs.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        with started(commands, logs) as launched:
            sample: Sample = {"ready": wait_ready(urls, launched, start)}
            time.sleep(SETTLE)
            sample.update(memory([one.pid for one in launched]))
            if slow_url is None:
                sample["stop"] = stop(launched)
            else:
                with InFlight(slow_url) as request:
                    # SIGTERM a while after the view has the request.
                    time.sleep(INFLIGHT_LEAD)
                    sample["stop"] = stop(launched)
                sample["inflight"] = request.status
            sample["returncode"] = launched[0].proc.returncode
            return sample
    except (Failure, AssertionError, OSError, subprocess.SubprocessError) as exc:
        return {"error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
