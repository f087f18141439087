"""The deployment checks (``manage.py check --deploy``): entries that are fine
to run but wrong for production.

- ``prodserver.W012``: an entry runs a development server (``runserver``,
  ``runserver_plus``, daphne's ``runserver``).
- ``prodserver.W013``: ``DEBUG = True`` with a web server entry.
- ``prodserver.W014``: in a container, a web server that listens on the
  loopback only, which nothing outside the container reaches.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .. import check_ids
from ..backends.base import ProcessBackend
from ..backends.dev.base import RunserverBackend
from ..backends.management import ManagementCommandBackend
from ..backends.web import WebServerBackend
from ..config.addresses import is_loopback
from ..config.project_settings import settings

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

#: The management commands that run a development server.
DEVELOPMENT_COMMANDS = frozenset({"runserver", "runserver_plus"})
#: Files a container runtime leaves in its containers (Docker, Podman).
CONTAINER_FILES = ("/.dockerenv", "/run/.containerenv")


def in_container(environ: Mapping[str, str]) -> bool:
    """Whether this process runs in a container (Docker, Podman, Kubernetes)."""
    if environ.get("KUBERNETES_SERVICE_HOST"):
        return True
    return any(os.path.exists(path) for path in CONTAINER_FILES)


def is_development_server(backend: ProcessBackend) -> bool:
    if isinstance(backend, RunserverBackend):
        return True
    return (
        isinstance(backend, ManagementCommandBackend)
        and backend.command in DEVELOPMENT_COMMANDS
    )


def is_loopback_only(backend: WebServerBackend) -> bool:
    """Whether every TCP address the server listens on is a loopback one."""
    hosts = [host for host, _ in backend.listen_addresses()]
    return bool(hosts) and all(map(is_loopback, hosts))


def loopback_warning(backend: ProcessBackend) -> CheckMessage:
    """``prodserver.W014`` (also what a container export says on stderr)."""
    return backend.warning(
        check_ids.LOOPBACK_ONLY,
        "listens on the loopback only, which nothing outside its container "
        "reaches (the published port, the platform's probes and proxy)",
        "Bind it to 0.0.0.0 in ARGS, or set no address and let PORT choose.",
    )


def deploy_messages(
    backends: Sequence[ProcessBackend], environ: Mapping[str, str]
) -> list[CheckMessage]:
    """The deployment warnings of the checked entries' backends."""
    found = [
        backend.warning(
            check_ids.DEVELOPMENT_SERVER,
            f"runs a development server ({backend.config.backend}), which is "
            "not made to serve production traffic",
            "Use a production server such as "
            "django_prodserver.backends.gunicorn.GunicornServer.",
        )
        for backend in backends
        if is_development_server(backend)
    ]
    web = [b for b in backends if isinstance(b, WebServerBackend)]
    if web and getattr(settings, "DEBUG", False):
        found.append(
            web[0].warning(
                check_ids.DEBUG_WITH_WEB_SERVER,
                "a web server runs with DEBUG = True, which shows error pages "
                "with settings and code to every visitor",
                "Set DEBUG = False in the production settings.",
            )
        )
    if in_container(environ):
        found += [loopback_warning(b) for b in web if is_loopback_only(b)]
    return found
