"""Before anything starts: a web server's port that another program holds.

The server itself would retry, or fail with a line of its own that names
neither the process nor the program in the way; this says both, and nothing
starts.
"""

from __future__ import annotations

import contextlib
import errno
import socket
from collections.abc import Iterable, Sequence
from typing import Any

from ..config.addresses import Address
from ..exceptions import ConfigurationError

#: Hosts that mean every interface, of each family.
EVERY_IPV4 = frozenset({"", "*", "0.0.0.0"})
EVERY_IPV6 = frozenset({"::", "[::]"})


def bind_host(host: str) -> tuple[socket.AddressFamily, str]:
    """The family and the address to bind of a listening host."""
    if host in EVERY_IPV4:
        return socket.AF_INET, "0.0.0.0"
    if host in EVERY_IPV6:
        return socket.AF_INET6, "::"
    bare = host.strip("[]")
    return (socket.AF_INET6 if ":" in bare else socket.AF_INET), bare


def is_taken(host: str, port: int) -> bool:
    """Whether binding ``host:port`` fails because something holds it. With
    ``SO_REUSEADDR`` set, as servers set it, a port that only has connections
    in ``TIME_WAIT`` is free; another error (a name that does not resolve, a
    privileged port) is left for the server to report."""
    family, address = bind_host(host)
    with contextlib.suppress(OSError), socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def listens(connections: Iterable[Any], port: int) -> bool:
    """Whether psutil's ``connections`` hold a socket listening on ``port``."""
    return any(
        conn.status == "LISTEN"
        and isinstance(conn.laddr, tuple)
        and conn.laddr[1:2] == (port,)
        for conn in connections
    )


def holder(port: int) -> str | None:
    """The program that listens on ``port``, ``name (pid N)``, when this user
    may see it (another user's sockets are hidden without privileges). Of a
    server whose workers share its socket, the main process: psutil names one
    process of those that hold the socket."""
    import psutil  # only when a port is taken: a launch does without

    with contextlib.suppress(psutil.Error, OSError, StopIteration):
        found = next(
            conn.pid
            for conn in psutil.net_connections(kind="inet")
            if conn.pid and listens([conn], port)
        )
        process = psutil.Process(found)
        parent = process.parent()
        while parent is not None and listens(parent.net_connections("inet"), port):
            process, parent = parent, parent.parent()
        return f"{process.name()} (pid {process.pid})"
    return None


def refuse_taken_ports(listeners: Iterable[tuple[str, Sequence[Address]]]) -> None:
    """Raise for the first port of a web server (``name``, its addresses) that
    another program holds; port 0 (any free port) never is."""
    for name, addresses in listeners:
        for host, port in addresses:
            if port and is_taken(host, port):
                found = holder(port)
                by = f" by {found}" if found else ""
                raise ConfigurationError(
                    f"{name}: port {port} is already in use{by}, so the server "
                    f"cannot listen on {host or '*'}:{port}",
                    "Stop what holds it, or give the process another port.",
                )
