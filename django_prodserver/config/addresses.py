"""TCP addresses of web servers: parse ``host:port``, and tell whether two
listeners would compete for one port (the ``prodserver.W003`` check)."""

from __future__ import annotations

#: A TCP address a web server listens on: (host, port).
Address = tuple[str, int]
#: Hosts that mean "every interface": they overlap any host on the same port.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", "", "*"})


def parse_port(value: object) -> int | None:
    """A TCP port number from an option value, or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 65535:
        return None
    return int(text)


def bad_port(text: str) -> bool:
    """Whether a port is not a number from 1 to 65535 in ASCII digits."""
    return not (text.isascii() and text.isdigit() and 0 < int(text) <= 65535)


def parse_host_port(text: str, default_port: int) -> Address | None:
    """``host:port``, ``[v6]:port`` or a bare ``host`` → (host, port); None if the
    port is not a number. An empty host (``:8000``) means every interface."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:  # a bare host name, or a bare IPv6 address
        host, port_text = text, ""
    port = parse_port(port_text) if port_text else default_port
    return None if port is None else (host, port)


def parse_bind(bind: str, default_port: int) -> Address | None:
    """A ``bind``-style value (gunicorn's, hypercorn's): ``tcp://`` optional, the
    port ``default_port`` when missing, an empty value is every interface; None
    for Unix sockets and inherited descriptors (``unix:…``, ``fd://…``)."""
    if bind.startswith(("unix:", "fd://")):
        return None
    bind = bind.removeprefix("tcp://")
    return parse_host_port(bind or "0.0.0.0", default_port)


def normal_host(host: str) -> str:
    host = host.strip().lower().strip("[]")
    return "127.0.0.1" if host == "localhost" else host


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (``127.0.0.0/8``, ``::1``)."""
    host = normal_host(host)
    return host == "::1" or host.startswith("127.")


def addresses_overlap(first: Address, second: Address) -> bool:
    """Whether two listeners would compete for one port.

    The same port on the same host, or on every interface (``0.0.0.0``, ``::``)
    and any host, do; port 0 (a free port picked at start) never does.
    """
    (host_a, port_a), (host_b, port_b) = first, second
    if port_a != port_b or port_a == 0:
        return False
    host_a, host_b = normal_host(host_a), normal_host(host_b)
    return host_a == host_b or bool({host_a, host_b} & WILDCARD_HOSTS)
