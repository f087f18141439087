"""Broker URLs read from a task queue's settings, without importing its library.

The queues' libraries take a Redis connection either as a URL or as keyword
arguments (``host``, ``port``, ``db``…) that end up in ``redis.Redis``; these
helpers give the URL of either form, so that a backend's ``broker_url()`` says
where its worker will connect.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

#: ``redis.Redis``'s defaults: what a connection without those keys uses.
REDIS_HOST = "localhost"
REDIS_PORT = 6379


def redis_url(params: Mapping[str, object]) -> str | None:
    """The URL of ``redis.Redis`` keyword arguments: ``url`` itself if given,
    a Unix socket, or ``host``/``port``/``db`` with credentials and TLS.

    None for a connection these cannot describe (a ready-made pool or client).
    """
    url = params.get("url")
    if isinstance(url, str) and url:
        return url
    if params.get("connection_pool") is not None or params.get("client") is not None:
        return None
    db = params.get("db") or 0
    socket = params.get("unix_socket_path")
    if isinstance(socket, str) and socket:
        return f"unix://{credentials(params)}{socket}?db={db}"
    scheme = "rediss" if params.get("ssl") else "redis"
    host = params.get("host") or REDIS_HOST
    port = params.get("port") or REDIS_PORT
    return f"{scheme}://{credentials(params)}{host}:{port}/{db}"


def credentials(params: Mapping[str, object]) -> str:
    """``user:password@`` (either part may be empty), or nothing."""
    username, password = params.get("username"), params.get("password")
    if not username and not password:
        return ""
    user = quote(str(username or ""), safe="")
    secret = quote(str(password or ""), safe="")
    return f"{user}:{secret}@"


def lower_keys(config: Mapping[str, object]) -> dict[str, object]:
    """django-rq's upper-case connection keys (``HOST``, ``DB``…) as
    ``redis.Redis`` names them."""
    return {key.lower(): value for key, value in config.items()}
