"""Where a backend finds the application it serves, and a host name for probes."""

from __future__ import annotations

import re

from .. import check_ids
from ..config.project_settings import settings
from ..exceptions import ConfigurationError

#: How to give an entry its ``APP``.
APP_HINT = 'Add "APP": "myproject.celery.app" (module path, then the attribute).'


def dotted_to_target(path: str) -> str:
    """``mysite.wsgi.application`` → ``mysite.wsgi:application``; kept if it has ':'."""
    if ":" in path or "." not in path:
        return path
    module, attr = path.rsplit(".", 1)
    return f"{module}:{attr}"


#: A host name or address a ``Host`` header can carry.
HOST_NAME = re.compile(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]")


def allowed_host() -> str:
    """A host name that ``ALLOWED_HOSTS`` accepts, for a probe's ``Host`` header;
    "" when any host is accepted or none is named (the address is then sent)."""
    hosts = [str(h) for h in getattr(settings, "ALLOWED_HOSTS", []) or []]
    if "*" in hosts:
        return ""
    for host in hosts:
        name = host.removeprefix(".")  # ".example.com" accepts example.com too
        if HOST_NAME.fullmatch(name):
            return name
    return ""


def wsgi_application_path() -> str:
    path = getattr(settings, "WSGI_APPLICATION", None)
    if not path:
        raise ConfigurationError(
            "WSGI_APPLICATION is not set, so there is no application to serve",
            'Set WSGI_APPLICATION = "mysite.wsgi.application" in your settings, or '
            'give the entry "APP": "mysite.wsgi.application".',
            check_ids.BAD_APP,
        )
    return str(path)


def asgi_application_path() -> str:
    path = getattr(settings, "ASGI_APPLICATION", None)
    if path:
        return str(path)
    module, _, attr = wsgi_application_path().rpartition(".")
    package = module.rpartition(".")[0]
    return f"{package}.asgi.{attr}" if package else f"asgi.{attr}"
