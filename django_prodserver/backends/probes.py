"""Health probes: is a running process healthy? (``prodserver NAME --probe``).

A backend says how its process can be checked (``ProcessBackend.probe()``): an
HTTP request to where a web server listens, a command that asks a worker
(``celery inspect ping``), the processes that must run, or nothing. Running a
probe imports nothing of the program: the request is made with the standard
library, the command is started as a child process, ``/proc`` is read. Each
answers with whether the process is healthy and one line that says why.

This module imports nothing of Django, so that a probe costs no more than the
settings that the command has already loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

#: Seconds an HTTP probe waits for the answer, and a command probe asks its
#: program to wait for replies.
PROBE_TIMEOUT = 5.0
#: Seconds a command probe may take in all, its program's start included.
COMMAND_TIMEOUT = 60.0
#: Where a web server is asked, unless ``--probe-path`` says otherwise.
DEFAULT_PATH = "/"
#: Addresses that mean "every interface": a probe connects to the loopback.
EVERY_IPV4 = frozenset({"", "0.0.0.0", "*"})
EVERY_IPV6 = frozenset({"::", "[::]"})


class HttpProbe(NamedTuple):
    """A GET request to a web server: healthy if it answers 2xx or 3xx (what
    Kubernetes' ``httpGet`` probe counts as success)."""

    host: str
    port: int
    path: str = DEFAULT_PATH
    #: The ``Host`` header, for Django's ``ALLOWED_HOSTS`` ("" for the address).
    host_header: str = ""

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.path}"


class CommandProbe(NamedTuple):
    """A command that exits 0 when the process is healthy (run with the
    process's own environment)."""

    argv: tuple[str, ...]
    #: What the check is, for the messages: "celery inspect ping celery@host".
    description: str


class ProcessProbe(NamedTuple):
    """A program that nothing can ask: healthy while a process of this machine
    runs each of its commands (Linux: read from ``/proc``). ``commands`` are the
    words each command line ends with, after the interpreter that may differ."""

    commands: tuple[tuple[str, ...], ...]
    #: The program, for the messages: "db_worker".
    description: str


class ProgramProbe(NamedTuple):
    """A program that nothing can ask and that runs under a command line of its
    own making (``rundramatiq`` replaces itself with ``dramatiq`` and the task
    modules it found): healthy while, for each pattern, a process runs a command
    line that the pattern matches in full, and the pattern's ``workers`` group
    (if any) says how many of its descendants at least must be alive."""

    #: Regular expressions of whole command lines, words joined by spaces.
    patterns: tuple[str, ...]
    #: The program, for the messages: "dramatiq".
    description: str


Probe = HttpProbe | CommandProbe | ProcessProbe | ProgramProbe


def connect_host(host: str) -> str:
    """The address to connect to for a server listening on ``host``."""
    if host in EVERY_IPV4:
        return "127.0.0.1"
    if host in EVERY_IPV6:
        return "::1"
    return host.strip("[]")


def check_http(probe: HttpProbe, timeout: float = PROBE_TIMEOUT) -> tuple[bool, str]:
    """Ask the web server; healthy on 2xx and 3xx."""
    import http.client  # only for a probe: backends import this module

    connection = http.client.HTTPConnection(probe.host, probe.port, timeout=timeout)
    headers = {"Host": probe.host_header} if probe.host_header else {}
    headers["User-Agent"] = "prodserver-probe"
    try:
        connection.request("GET", probe.path, headers=headers)
        response = connection.getresponse()
        status, reason = response.status, response.reason
    except (OSError, http.client.HTTPException) as exc:
        return False, f"{probe.url} did not answer: {exc or type(exc).__name__}"
    finally:
        connection.close()
    answer = f"{probe.url} answered {status} {reason}".rstrip()
    return 200 <= status < 400, answer


def check_command(
    probe: CommandProbe, env: Mapping[str, str], timeout: float = COMMAND_TIMEOUT
) -> tuple[bool, str]:
    """Run the command; healthy when it exits 0. The reason is its last line."""
    import subprocess

    try:
        result = subprocess.run(
            probe.argv,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"{probe.description}: no answer within {timeout:g} s"
    except OSError as exc:
        return False, f"{probe.description}: cannot start it: {exc}"
    said = last_line([result.stdout, result.stderr] if result.returncode else [])
    if result.returncode:
        return False, f"{probe.description}: exit {result.returncode}{said}"
    return True, f"{probe.description}: answered"


def last_line(outputs: Sequence[str]) -> str:
    """``": "`` and the last non-empty line of the outputs, or ""."""
    lines = [line.strip() for text in outputs for line in text.splitlines()]
    lines = [line for line in lines if line]
    return f": {lines[-1]}" if lines else ""


# -- programs that nothing can ask: whether their processes run ----------------
#
# Read from /proc (Linux, where containers run): a process counts when its
# command line ends with the words prodserver built for it and it is not a
# zombie. Words are compared as one line, so that a program that rewrites its
# title to "[celery beat] -A mysite beat" (setproctitle) still counts.

#: Where the kernel tells of each process.
PROC = Path("/proc")


class Running(NamedTuple):
    """A live process: its PID, its parent's and its command line."""

    pid: int
    parent: int
    line: str


def running(proc: Path = PROC) -> Iterator[Running]:
    """Each live process but this one, its command line's words joined by
    spaces (zombies, kernel threads and vanished processes left out)."""
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text().rpartition(")")[2].split()[:2]
        except OSError:  # it ended meanwhile
            continue
        words = raw.decode(errors="replace").replace("\0", " ").split()
        if words and len(stat) == 2 and stat[0] != "Z":
            yield Running(int(entry.name), int(stat[1]), " ".join(words))


def command_lines(proc: Path = PROC) -> Iterator[str]:
    """The command line of each live process but this one (see :func:`running`)."""
    return (process.line for process in running(proc))


def check_running(probe: ProcessProbe, proc: Path = PROC) -> tuple[bool, str]:
    """Healthy when each command of ``probe`` runs."""
    if not proc.is_dir():
        return False, f"{probe.description}: no /proc to read here (Linux only)"
    lines = list(command_lines(proc))
    for words in probe.commands:
        wanted = " ".join(" ".join(words).split())
        if not any(line == wanted or line.endswith(f" {wanted}") for line in lines):
            return False, f"{probe.description}: nothing runs {wanted}"
    return True, f"{probe.description}: running"


#: The helpers of Python's multiprocessing, which run beside the workers: its
#: resource tracker, and the fork server (whose children, the workers, run its
#: command line too).
TRACKER = "multiprocessing.resource_tracker"
FORK_SERVER = "multiprocessing.forkserver"


def workers_of(pid: int, processes: Sequence[Running]) -> int:
    """How many of ``processes`` descend from ``pid``, multiprocessing's
    helpers left out."""
    lines = {p.pid: p.line for p in processes}
    parents, found = {pid}, 0
    while parents:
        children = [p for p in processes if p.parent in parents]
        found += sum(not is_helper(p, lines) for p in children)
        parents = {p.pid for p in children}
    return found


def is_helper(process: Running, lines: Mapping[int, str]) -> bool:
    if TRACKER in process.line:
        return True
    return FORK_SERVER in process.line and FORK_SERVER not in lines.get(
        process.parent, ""
    )


def check_program(probe: ProgramProbe, proc: Path = PROC) -> tuple[bool, str]:
    """Healthy when, for each pattern of ``probe``, a process matches it whose
    parent does not (a forked worker runs the same command line), with at least
    as many live descendants as the match's ``workers`` group says (see
    :func:`workers_of`)."""
    if not proc.is_dir():
        return False, f"{probe.description}: no /proc to read here (Linux only)"
    processes = list(running(proc))
    for pattern in probe.patterns:
        found = {p.pid: re.fullmatch(pattern, p.line) for p in processes}
        mains = [p for p in processes if found[p.pid] and not found.get(p.parent)]
        if not mains:
            return False, f"{probe.description}: nothing runs its command"
        counts = [
            (workers_of(main.pid, processes), workers_wanted(found[main.pid]))
            for main in mains
        ]
        if not any(alive >= wanted for alive, wanted in counts):
            alive, wanted = max(counts)
            return False, (
                f"{probe.description}: {alive} of its {wanted} worker processes run"
            )
    return True, f"{probe.description}: running"


def workers_wanted(match: re.Match[str] | None) -> int:
    """The number a match's ``workers`` group caught (0 without one)."""
    if match is None or "workers" not in match.re.groupindex:
        return 0
    return int(match["workers"])


def check(probe: Probe, env: Mapping[str, str]) -> tuple[bool, str]:
    """Run one probe: whether the process is healthy, and why, on one line."""
    if isinstance(probe, HttpProbe):
        return check_http(probe)
    if isinstance(probe, ProcessProbe):
        return check_running(probe)
    if isinstance(probe, ProgramProbe):
        return check_program(probe)
    return check_command(probe, env)


def is_probe(found: object) -> bool:
    """Whether a backend's ``probe()`` returned something a probe can run."""
    if isinstance(found, HttpProbe):
        return (
            all(isinstance(part, str) for part in (found.host, found.path))
            and isinstance(found.port, int)
            and not isinstance(found.port, bool)
            and 0 < found.port < 65536
            and isinstance(found.host_header, str)
        )
    if isinstance(found, CommandProbe):
        return (
            isinstance(found.argv, tuple)
            and bool(found.argv)
            and all(isinstance(word, str) and word for word in found.argv)
            and isinstance(found.description, str)
        )
    if isinstance(found, ProcessProbe):
        return (
            isinstance(found.commands, tuple)
            and bool(found.commands)
            and all(isinstance(words, tuple) and words for words in found.commands)
            and all(isinstance(w, str) for words in found.commands for w in words)
            and isinstance(found.description, str)
        )
    if isinstance(found, ProgramProbe):
        return (
            isinstance(found.patterns, tuple)
            and bool(found.patterns)
            and all(isinstance(pattern, str) for pattern in found.patterns)
            and isinstance(found.description, str)
        )
    return found is None
