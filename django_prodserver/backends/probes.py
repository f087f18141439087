"""Health probes: is a running process healthy? (``prodserver NAME --probe``).

A backend says how its process can be checked (``ProcessBackend.probe()``): an
HTTP request to where a web server listens, or a command that asks a worker
(``celery inspect ping``), or nothing. Running a probe imports nothing of the
program: the request is made with the standard library, the command is started
as a child process. Each answers with whether the process is healthy and one
line that says why.

This module imports nothing of Django, so that a probe costs no more than the
settings that the command has already loaded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
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


Probe = HttpProbe | CommandProbe


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


def check(probe: Probe, env: Mapping[str, str]) -> tuple[bool, str]:
    """Run one probe: whether the process is healthy, and why, on one line."""
    if isinstance(probe, HttpProbe):
        return check_http(probe)
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
    return found is None
