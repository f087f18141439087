"""prodserver side by side with honcho and supervisord, on the same work.

Two workloads, each run once per round by every contender, in an order rotated
from round to round:

Eight web servers
    N = 8 gunicorn entries (one worker each) started together until every port
    answers 200, then SIGTERM until every process has exited; the manager's
    RSS once all answer (prodserver's: the supervisor and its watchdog).
    Contenders: the ``prodserver`` console script, the bare programs started
    together (as ``&`` and ``wait`` would), honcho (a Procfile of the bare
    commands) and supervisord (a config file of them).
Two floods of output
    Two :mod:`mysite.flood` programs write 50 MB of numbered 100-byte lines each
    through the manager (prefixes on; prodserver's colours forced on) to a
    reader that reads as fast as it can. Measured: the time until both
    programs' last lines have arrived, and how many numbered lines did not.
    The baseline is ``cat``: both programs write into one pipe that ``cat``
    copies to the reader.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import EXAMPLE_DIR, HOST, Launched, free_ports

from . import workspace
from .contenders import Command, Setup, bare_command, base_env, dry_run_plan, ours_env
from .figures import Series, gave_up, report, rotated
from .measure import Failure, Sample, measure_launch
from .stats import SERVERS

#: Numbered lines each flood writes: 50 MB of 100-byte lines.
FLOOD_LINES = 500_000
FLOOD_NAMES = ("floodA", "floodB")
MANAGERS = ("prodserver", "bare", "honcho", "supervisord")
STREAMS = ("prodserver", "cat", "honcho", "supervisord")
EIGHT_SETTINGS = "bench_eight"
FLOOD_SETTINGS = "bench_flood"
#: The end of every numbered line the floods write (their lines end in x's).
LINE_END = b"xxxxxxxx\n"
DONE = b" done\n"
FLOOD_TIMEOUT = 300.0
READ_SIZE = 1 << 20


@dataclass
class Work:
    """The commands of both workloads, per contender."""

    urls: list[str]
    start: dict[str, list[Command]] = field(default_factory=dict)
    flood: dict[str, list[Command]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)


def tool(name: str) -> str | None:
    """honcho's or supervisord's script beside the running Python, if installed."""
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else None


def prepare(setup: Setup) -> Work:
    names = [f"web{index}" for index in range(1, SERVERS + 1)]
    ports = free_ports(SERVERS)
    backend = "django_prodserver.backends.gunicorn.GunicornServer"
    workspace.write_settings(
        EIGHT_SETTINGS,
        {
            name: {"BACKEND": backend, "ARGS": {"bind": f"{HOST}:{port}", "workers": 1}}
            for name, port in zip(names, ports, strict=True)
        },
    )
    workspace.write_settings(
        FLOOD_SETTINGS,
        {
            name: {
                "BACKEND": "mysite.backends.Flood",
                "ARGS": {"name": name, "lines": FLOOD_LINES},
            }
            for name in FLOOD_NAMES
        },
    )
    work = Work(urls=[f"http://{HOST}:{port}/" for port in ports])
    script = os.path.join(os.path.dirname(setup.python), "prodserver")
    for key, settings, chosen, extra in (
        ("start", EIGHT_SETTINGS, names, ()),
        ("flood", FLOOD_SETTINGS, list(FLOOD_NAMES), ("--force-color",)),
    ):
        env = ours_env(settings)
        try:
            plans = {
                name: bare_command(dry_run_plan(setup.python, name, settings))
                for name in chosen
            }
        except ValueError as exc:
            work.unavailable[key] = str(exc)
            continue
        commands = {
            "prodserver": [Command((script, *chosen, *extra), env, str(EXAMPLE_DIR))],
            "bare": list(plans.values()),
            "honcho": honcho(plans, key),
            "supervisord": supervisord(plans, key),
        }
        if key == "flood":
            commands["cat"] = commands.pop("bare")
        getattr(work, key).update({k: v for k, v in commands.items() if v})
    for name in ("honcho", "supervisord"):
        if tool(name) is None:
            work.unavailable[name] = f"{name} is not installed (the test extra has it)"
    return work


def with_env(command: Command) -> list[str]:
    """The command's argv, preceded by ``env`` and what it sets beyond the
    benchmark's base environment (a manager starts each from its own)."""
    base = base_env()
    changed = [f"{k}={v}" for k, v in command.env.items() if base.get(k) != v]
    return ["env", *changed, *command.argv] if changed else list(command.argv)


def honcho(plans: Mapping[str, Command], key: str) -> list[Command]:
    path = tool("honcho")
    if path is None:
        return []
    procfile = workspace.WORK / f"Procfile.{key}"
    lines = [f"{name}: {shlex.join(with_env(c))}" for name, c in plans.items()]
    procfile.write_text("\n".join(lines) + "\n")
    first = next(iter(plans.values()))
    return [Command((path, "start", "-f", str(procfile)), base_env(), first.cwd)]


def supervisord(plans: Mapping[str, Command], key: str) -> list[Command]:
    """supervisord in the foreground, each program's output on its own stdout
    (as its documentation shows for containers), nothing else logged."""
    path = tool("supervisord")
    if path is None:
        return []
    conf = workspace.WORK / f"supervisord.{key}.conf"
    sections = [
        "[supervisord]\nnodaemon=true\nsilent=true\nlogfile=/dev/null\n"
        f"logfile_maxbytes=0\npidfile={workspace.WORK / f'supervisord.{key}.pid'}\n"
    ]
    for name, command in plans.items():
        line = shlex.join(with_env(command)).replace("%", "%%")
        sections.append(
            f"[program:{name}]\ncommand={line}\ndirectory={command.cwd}\n"
            "autorestart=false\nstartsecs=0\nstopwaitsecs=30\n"
            "stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n"
            "redirect_stderr=true\n"
        )
    conf.write_text("\n".join(sections))
    first = next(iter(plans.values()))
    return [Command((path, "-c", str(conf)), base_env(), first.cwd)]


# -- the eight web servers -----------------------------------------------------------


def eight_servers(work: Work, rounds: int, logs: Path) -> dict[str, Series]:
    results: dict[str, Series] = {name: [] for name in work.start}
    for index in range(rounds):
        for name in rotated(list(work.start), index):
            if gave_up(results[name]):
                continue
            sample = measure_launch(work.start[name], work.urls, logs / f"eight-{name}")
            results[name].append({"round": index, **sample})
            report("eight", name, sample)
    return results


# -- the floods of output ------------------------------------------------------------


def floods(work: Work, rounds: int) -> dict[str, Series]:
    results: dict[str, Series] = {name: [] for name in work.flood}
    for index in range(rounds):
        for name in rotated(list(work.flood), index):
            if gave_up(results[name]):
                continue
            try:
                sample: Sample = flood(name, work.flood[name])
            except (
                Failure,
                AssertionError,
                OSError,
                subprocess.SubprocessError,
            ) as exc:
                sample = {"error": str(exc)}
            results[name].append({"round": index, **sample})
            shown = {k: v for k, v in sample.items() if k != "bytes"}
            print(f"  {'flood':<8} {name:<24} {shown}", flush=True)
    return results


def flood(name: str, commands: Sequence[Command]) -> Sample:
    """Run one contender's floods; the time until both ended, lines lost."""
    read_end, write_end = os.pipe()
    started: list[Launched] = []
    try:
        if name == "cat":
            started = start_with_cat(commands, write_end)
        else:
            started = [spawn(commands[0], write_end)]
        os.close(write_end)
        write_end = -1
        elapsed, lines, size = count_lines(read_end)
        for one in started[:-1] if name == "cat" else started:
            one.signal(signal.SIGTERM)
        drain(read_end)
    finally:
        for one in started:
            one.kill_all()
        for fd in (read_end, write_end):
            with contextlib.suppress(OSError):
                os.close(fd)
    return {
        "time": elapsed,
        "lost": len(FLOOD_NAMES) * FLOOD_LINES - lines,
        "bytes": size,
    }


def spawn(command: Command, stdout: int, stdin: int | None = None) -> Launched:
    proc = subprocess.Popen(
        command.argv,
        env=dict(command.env),
        cwd=command.cwd,
        stdin=subprocess.DEVNULL if stdin is None else stdin,
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return Launched(proc, Path(os.devnull))


def start_with_cat(commands: Sequence[Command], stdout: int) -> list[Launched]:
    """The floods writing into one pipe that ``cat`` copies to ``stdout``."""
    read_end, write_end = os.pipe()
    try:
        writers = [spawn(command, write_end) for command in commands]
        copier = Command(("cat",), base_env(), str(EXAMPLE_DIR))
        return [*writers, spawn(copier, stdout, stdin=read_end)]
    finally:
        os.close(read_end)
        os.close(write_end)


def count_lines(fd: int) -> tuple[float, int, int]:
    """Read until both floods said ``done``: the seconds from the first byte
    (the managers' and programs' start-up is not output), numbered lines seen,
    bytes read."""
    lines = done = size = 0
    tail = b""
    deadline = first = 0.0
    while done < len(FLOOD_NAMES):
        if first and time.perf_counter() > deadline:
            raise Failure(f"not done after {FLOOD_TIMEOUT:.0f} s")
        chunk = os.read(fd, READ_SIZE)
        if not first:
            first = time.perf_counter()
            deadline = first + FLOOD_TIMEOUT
        if not chunk:
            raise Failure("the output ended before both floods were done")
        size += len(chunk)
        # A match across two reads is counted once: with the end of the
        # previous read, shorter than the pattern, before this one.
        lines += (tail[-len(LINE_END) + 1 :] + chunk).count(LINE_END)
        done += (tail[-len(DONE) + 1 :] + chunk).count(DONE)
        tail = chunk[-len(LINE_END) :]
    return time.perf_counter() - first, lines, size


def drain(fd: int, timeout: float = 30) -> None:
    """Read to the end (the managers stop), for at most ``timeout`` seconds."""
    os.set_blocking(fd, False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not os.read(fd, READ_SIZE):
                return
        except BlockingIOError:
            time.sleep(0.01)


def run(setup: Setup, rounds: int, logs: Path) -> dict[str, object]:
    work = prepare(setup)
    for what, why in work.unavailable.items():
        print(f"bench: side by side: {what} not available: {why}", flush=True)
    return {
        "eight": eight_servers(work, rounds, logs),
        "flood": floods(work, rounds),
        "unavailable": work.unavailable,
    }
