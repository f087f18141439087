"""What ``WAIT_FOR`` names, as the addresses to try.

A target is a word (``"database"``, ``"database:ALIAS"``, ``"broker"``,
``"cache"``, ``"cache:ALIAS"``, ``"migrations"``, ``"migrations:ALIAS"``) read
from the settings and the entry's backend, or a URL. Nothing here touches the
network or imports the program's packages: the settings say where each service
listens, :mod:`~django_prodserver.before.waiting` knocks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit

from ..backends.failures import backend_errors
from ..config.addresses import bad_port
from ..config.project_settings import settings
from ..redaction import redact_text
from ..text import brief, did_you_mean

if TYPE_CHECKING:
    from ..backends.base import ProcessBackend

#: The words ``WAIT_FOR`` takes besides URLs (``database``, ``cache`` and
#: ``migrations`` also take ``:ALIAS``).
KEYWORDS = ("database", "broker", "cache", "migrations")

#: URL schemes, and the port each defaults to (``tcp`` has none: give one).
DEFAULT_PORTS: Mapping[str, int | None] = {
    "tcp": None,
    "redis": 6379,
    "rediss": 6379,
    "valkey": 6379,
    "valkeys": 6379,
    "sentinel": 26379,
    "postgres": 5432,
    "postgresql": 5432,
    "pgsql": 5432,
    "mysql": 3306,
    "amqp": 5672,
    "amqps": 5671,
    "pyamqp": 5672,
    "librabbitmq": 5672,
    "http": 80,
    "https": 443,
}
#: Schemes spoken in plain text whose handshake a probe knows besides Redis's
#: and PostgreSQL's (TLS schemes, ``rediss``, ``amqps``, are only connected to).
PROTOCOLS: Mapping[str, str] = {
    "mysql": "mysql",
    "amqp": "amqp",
    "pyamqp": "amqp",
    "librabbitmq": "amqp",
}
#: Schemes of brokers that live inside the program: nothing to wait for.
IN_PROCESS_SCHEMES = frozenset({"memory", "filesystem"})
#: Schemes whose URL is the path of a Unix socket.
SOCKET_SCHEMES = frozenset({"unix", "socket", "redis+socket"})

#: Database engines by a word of their path: how they are probed, their port.
ENGINE_KINDS = (
    ("sqlite", "local", None),
    ("spatialite", "local", None),
    ("dummy", "local", None),
    ("cockroach", "tcp", 26257),
    ("postgis", "postgres", 5432),
    ("postgres", "postgres", 5432),
    ("psqlextra", "postgres", 5432),
    ("mysql", "mysql", 3306),
    ("mariadb", "mysql", 3306),
    ("oracle", "tcp", 1521),
    ("mssql", "tcp", 1433),
    ("sql_server", "tcp", 1433),
)

HINT = (
    'WAIT_FOR takes "database", "database:ALIAS", "broker", "cache", '
    '"cache:ALIAS", "migrations", "migrations:ALIAS", or a URL such as '
    '"tcp://db:5432", "redis://redis:6379/0" or "http://search:9200/".'
)


class TargetError(Exception):
    """A target that names nothing prodserver can wait for."""

    def __init__(self, message: str, hint: str = HINT) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Endpoint(NamedTuple):
    """One address to knock on, and how.

    ``protocol`` is ``"tcp"`` (a connection is enough), ``"postgres"`` (the
    server must accept a session: not starting up or shutting down),
    ``"redis"`` (it must answer PING with PONG, after AUTH when the URL has a
    password), ``"mysql"`` (its initial handshake), ``"amqp"`` (Connection.Start
    in answer to the protocol header), ``"http"`` / ``"https"`` (a 2xx or
    3xx answer to a GET of ``path``), or ``"migrations"`` (no migration left
    to apply to the database whose alias is ``database``, through Django's own
    connection). ``unix`` is the path of a Unix socket to connect to instead of
    ``host`` and ``port``.
    """

    what: str
    protocol: str
    host: str = ""
    port: int = 0
    path: str = "/"
    unix: str = ""
    user: str = ""
    database: str = ""
    password: str = ""

    def __repr__(self) -> str:
        # The password stays out of any log or traceback that shows an endpoint.
        shown = self._replace(password="***") if self.password else self  # noqa: S106
        return f"Endpoint{tuple.__repr__(shown)}"

    @property
    def where(self) -> str:
        if self.protocol == "migrations":
            return ""  # Django's connection knows where; ``what`` says which
        if self.unix:
            return self.unix
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.protocol in ("http", "https"):
            return f"{self.protocol}://{host}:{self.port}{self.path}"
        return f"{host}:{self.port}"

    def describe(self) -> str:
        """``the database 'default' at db:5432``; a URL that says where, alone."""
        where = self.where
        return self.what if where in self.what else f"{self.what} at {where}"


def endpoints(target: str, backend: ProcessBackend) -> list[Endpoint]:
    """Where ``target`` listens; empty when there is nothing to wait for (an
    SQLite database, a local cache). Raises :class:`TargetError`."""
    if "://" in target:
        return url_endpoints(target, redacted(target))
    keyword, colon, alias = target.partition(":")
    if keyword == "database":
        return database_endpoints(alias if colon else None)
    if keyword == "cache":
        return cache_endpoints(alias if colon else "default")
    if keyword == "migrations":
        return migrations_endpoints(alias if colon else "default")
    if target == "broker":
        return broker_endpoints(backend)
    raise TargetError(
        f"{brief(target)} is not something prodserver can wait for",
        did_you_mean(target, KEYWORDS, HINT),
    )


def alias_of(setting: str, alias: str, configured: Mapping[str, object]) -> None:
    if alias not in configured:
        known = ", ".join(map(repr, configured)) or "nothing"
        raise TargetError(
            f"{setting} has no alias {alias!r}",
            did_you_mean(alias, configured, f"{setting} has {known}."),
        )


def database_endpoints(alias: str | None) -> list[Endpoint]:
    """Every network database of ``DATABASES`` (or the one ``alias``)."""
    databases: Mapping[str, Mapping[str, object]] = settings.DATABASES
    if alias is not None:
        alias_of("DATABASES", alias, databases)
    aliases = list(databases) if alias is None else [alias]
    return [
        endpoint
        for name in aliases
        for endpoint in database_endpoint(name, databases[name])
    ]


def migrations_endpoints(alias: str) -> list[Endpoint]:
    """The migrations of the database ``alias``: all applied, or not yet."""
    alias_of("DATABASES", alias, settings.DATABASES)
    what = f"the migrations of the database {alias!r}"
    return [Endpoint(what, "migrations", database=alias)]


def engine_kind(engine: str) -> tuple[str, int | None] | None:
    """How a database engine is probed, and its usual port (None: unknown)."""
    lowered = engine.lower()
    for word, kind, port in ENGINE_KINDS:
        if word in lowered:
            return kind, port
    return None


def database_endpoint(alias: str, conf: Mapping[str, object]) -> list[Endpoint]:
    engine = str(conf.get("ENGINE") or "")
    kind, default_port = engine_kind(engine) or ("tcp", None)
    if kind == "local":
        return []
    what = f"the database {alias!r}"
    host = str(conf.get("HOST") or "")
    port = port_number(conf.get("PORT"), default_port, f"DATABASES[{alias!r}]")
    user, name = str(conf.get("USER") or ""), str(conf.get("NAME") or "")
    if host.startswith("/"):
        # A Unix socket: PostgreSQL's HOST is the directory that holds it.
        unix = (
            f"{host.rstrip('/')}/.s.PGSQL.{port or 5432}"
            if kind == "postgres"
            else host
        )
        return [Endpoint(what, kind, unix=unix, user=user, database=name)]
    if port is None:
        raise TargetError(
            f"cannot tell the port of the database {alias!r} (ENGINE {engine!r})",
            f"Set DATABASES[{alias!r}]['PORT'], or wait for a URL such as "
            '"tcp://db:5432".',
        )
    endpoint = Endpoint(what, kind, host or "localhost", port)
    return [endpoint._replace(user=user, database=name)]


def port_number(value: object, default: int | None, where: str) -> int | None:
    if value in (None, ""):
        return default
    try:
        port = int(str(value))
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise TargetError(
            f"{where} has the port {brief(value)}", "A port is a number up to 65535."
        )
    return port


def cache_endpoints(alias: str) -> list[Endpoint]:
    """The servers of a Redis or Memcached cache; nothing for a local cache."""
    caches: Mapping[str, Mapping[str, object]] = settings.CACHES
    alias_of("CACHES", alias, caches)
    conf = caches[alias]
    backend = str(conf.get("BACKEND") or "").lower()
    location = conf.get("LOCATION") or ""
    locations = (
        [str(item) for item in location]
        if isinstance(location, (list, tuple))
        else [item for item in re.split("[;,]", str(location)) if item.strip()]
    )
    what = f"the cache {alias!r}"
    if "redis" in backend or "valkey" in backend:
        return [
            endpoint
            for item in locations
            for endpoint in url_endpoints(item.strip(), what)
        ]
    if "memcache" in backend:
        return [memcached_endpoint(item.strip(), what) for item in locations]
    return []


def memcached_endpoint(location: str, what: str) -> Endpoint:
    """``host:port``, ``unix:/path`` or ``/path``: where a memcached listens."""
    if location.startswith(("unix:", "/")):
        return Endpoint(what, "tcp", unix=location.removeprefix("unix:"))
    parts = urlsplit(f"//{location}")
    try:
        port = parts.port or 11211
    except ValueError as exc:
        raise TargetError(f"{what} has the location {location!r}: {exc}") from exc
    return Endpoint(what, "tcp", parts.hostname or "localhost", port)


def broker_endpoints(backend: ProcessBackend) -> list[Endpoint]:
    """The broker the backend's program connects to (the first of a failover
    list: the program starts with it)."""
    with backend_errors(backend.config, "finding its broker"):
        url = backend.broker_url()
    if not isinstance(url, str) or not url:
        raise TargetError(
            f"'broker': BACKEND {backend.config.backend!r} has no broker "
            "prodserver can find",
            'Write the broker\'s URL instead, e.g. "redis://redis:6379/0".',
        )
    first = url.split(";")[0].strip()
    return url_endpoints(first, "the broker")


def url_endpoints(url: str, what: str) -> list[Endpoint]:
    """Where a URL's server listens (default ports per scheme)."""
    port_text = url_port(url)
    if port_text and bad_port(port_text):
        raise TargetError(
            f"{brief(redacted(url))} has the port {brief(port_text)}",
            "A port is a number from 1 to 65535 in ASCII digits.",
        )
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise TargetError(f"{brief(redacted(url))} is not a URL ({exc})") from exc
    if scheme in IN_PROCESS_SCHEMES:
        return []
    if scheme in SOCKET_SCHEMES:
        return [Endpoint(what, "tcp", unix=parts.path)]
    scheme = scheme.rpartition("+")[2]  # sqla+postgresql://: the database's
    if scheme not in DEFAULT_PORTS:
        raise TargetError(
            f"{brief(redacted(url))} has a scheme prodserver cannot wait for",
            did_you_mean(scheme, DEFAULT_PORTS, HINT),
        )
    port = port if port is not None else DEFAULT_PORTS[scheme]
    if port is None or (scheme == "tcp" and not host):
        raise TargetError(
            f"{brief(redacted(url))} has no host and port",
            'Write it as "tcp://HOST:PORT".',
        )
    return [url_endpoint(what, scheme, parts, host or "localhost", port)]


def url_endpoint(
    what: str, scheme: str, parts: SplitResult, host: str, port: int
) -> Endpoint:
    if scheme in ("http", "https"):
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Endpoint(what, scheme, host, port, path=path)
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if scheme in ("redis", "valkey"):
        return Endpoint(what, "redis", host, port, user=user, password=password)
    if scheme.startswith(("postgres", "pgsql")):
        database = unquote(parts.path.lstrip("/"))
        return Endpoint(what, "postgres", host, port, user=user, database=database)
    return Endpoint(what, PROTOCOLS.get(scheme, "tcp"), host, port)


def url_port(url: str) -> str | None:
    """The port a URL writes (``redis://h:6379/0`` → ``6379``), None if none."""
    netloc = url.partition("://")[2].split("/", 1)[0].split("?", 1)[0]
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        rest = host.partition("]")[2]
        return rest[1:] if rest.startswith(":") else None
    return host.rpartition(":")[2] if ":" in host else None


def redacted(url: str) -> str:
    """The URL without its password, fit for a log."""
    return redact_text(url)
