"""What the exports learn about each process from its backend and its plans.

The stop budget is ``--stop-timeout``, else the process's own (its plans'),
else the default; the stop signal is the program's graceful one when
prodserver execs it (a supervised group stops on SIGTERM). A release step is a
backend that runs once (``oneshot``); Celery beat and the like say
``single_instance``. Web servers give their ports and their probe.

For systemd's ordering, a heuristic names the system services of this machine
that a process waits for: ``postgresql.service`` when a database of the
settings is PostgreSQL on this host, ``redis-server.service`` (Debian's name)
when a cache, or the process's broker (its backend's ``broker_url()``), is
Redis on this host.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from ..backends.base import DEFAULT_STOP_TIMEOUT, ProcessBackend, WebServerBackend
from ..backends.failures import backend_probe
from ..config.addresses import is_loopback, normal_host, parse_port
from ..config.options import options_in_argv
from ..config.project_settings import settings
from ..launch.plan import Plan
from .deployment import SCRATCH_DIR, ExportOptions, Process

#: Hosts that are this machine.
LOCAL_HOSTS = frozenset({"", "127.0.0.1", "::1", "0.0.0.0"})
POSTGRESQL = "postgresql.service"
REDIS = "redis-server.service"


def exported_process(
    backend: ProcessBackend,
    plans: Sequence[Plan],
    given: ExportOptions,
    extra_args: Sequence[str],
) -> Process:
    """The export's description of one checked entry and its plans
    (``extra_args``: its own arguments after ``--``)."""
    supervised = len(plans) != 1 or given.spawn
    path = given.probe_path
    port = port_variable(backend, extra_args)
    if port is not None:
        addresses = [("0.0.0.0", port)]
    elif isinstance(backend, WebServerBackend):
        addresses = backend.listen_addresses(extra_args)
    else:
        addresses = []
    return Process(
        name=backend.name,
        stop_budget=stop_budget(plans, given.stop_timeout),
        stop_signal="SIGTERM" if supervised else plans[0].stop_signal,
        oneshot=backend.oneshot,
        single_instance=backend.single_instance,
        web=isinstance(backend, WebServerBackend),
        ports=tuple(dict.fromkeys(number for _, number in addresses if number)),
        loopback_only=bool(addresses)
        and all(is_loopback(host) for host, _ in addresses),
        probe=backend_probe(backend, extra_args, path),
        services=local_services(backend),
        port_variable=port,
        extra_args=tuple(extra_args),
        replicas=backend.config.replicas,
        resources=backend.config.resources,
        writable_args=tuple(backend.writable_args(SCRATCH_DIR, extra_args)),
    )


def stop_budget(plans: Sequence[Plan], stop_timeout: float | None) -> float | None:
    """``--stop-timeout`` if given, else the longest budget of the plans (None,
    no limit, when one of them has none), else the default."""
    if isinstance(stop_timeout, (int, float)):
        return float(stop_timeout)
    budgets = [p.stop_timeout for p in plans]
    if not budgets:
        return DEFAULT_STOP_TIMEOUT
    return None if None in budgets else max(b for b in budgets if b is not None)


def port_variable(backend: ProcessBackend, extra_args: Sequence[str]) -> int | None:
    """The ``PORT`` a container gives a web server that sets no address, so that
    it listens on every interface of the container (``0.0.0.0:PORT``): the
    ``PORT`` of this environment, else the server's default port. None for
    other processes."""
    if not isinstance(backend, WebServerBackend):
        return None
    given = backend.configured() | set(
        options_in_argv(backend.option_rules, extra_args)
    )
    if given & backend.address_options():
        return None
    port = parse_port(backend.environ.get("PORT")) or backend.default_address[1]
    return port if backend.port_default(str(port)) else None


def is_local(host: object) -> bool:
    text = str(host or "")
    return text.startswith("/") or normal_host(text) in LOCAL_HOSTS | {"localhost"}


def local_services(backend: ProcessBackend) -> tuple[str, ...]:
    """The system services of this machine that the process waits for."""
    found = []
    if uses_local_postgresql(getattr(settings, "DATABASES", {})):
        found.append(POSTGRESQL)
    urls = [*cache_urls(getattr(settings, "CACHES", {})), backend.broker_url() or ""]
    if any(is_local_redis(url) for url in urls):
        found.append(REDIS)
    return tuple(found)


def uses_local_postgresql(databases: Mapping[str, object]) -> bool:
    """Whether a database of the settings is PostgreSQL (or PostGIS) on this
    machine (no ``HOST``, a local address, or a socket directory)."""
    return any(
        isinstance(db, Mapping)
        and any(word in str(db.get("ENGINE", "")) for word in ("postgresql", "postgis"))
        and is_local(db.get("HOST"))
        for db in databases.values()
    )


def cache_urls(caches: Mapping[str, object]) -> Iterable[str]:
    for cache in caches.values():
        if (
            isinstance(cache, Mapping)
            and "redis" in str(cache.get("BACKEND", "")).lower()
        ):
            location = cache.get("LOCATION")
            values = location if isinstance(location, (list, tuple)) else [location]
            yield from (str(value) for value in values if value)


def is_local_redis(url: str) -> bool:
    """Whether a URL is Redis on this machine (``redis://``, ``rediss://``,
    ``unix://`` sockets)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme in ("redis", "rediss"):
        return is_local(parts.hostname)
    return parts.scheme == "unix"
