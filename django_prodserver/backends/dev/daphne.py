"""Daphne's development server: ``python -m django runserver [ADDRPORT]`` with
``daphne`` first in ``INSTALLED_APPS``.

Daphne's app replaces Django's ``runserver`` with one that serves
``ASGI_APPLICATION`` through daphne, reloading on code changes. It needs
``"daphne"`` in ``INSTALLED_APPS`` before ``django.contrib.staticfiles``
(which has a ``runserver`` too) and ``ASGI_APPLICATION`` set; ``manage.py
check`` verifies both. ARGS take runserver's options and daphne's:
``noasgi`` (Django's WSGI server instead), ``http_timeout``,
``websocket_handshake_timeout``, ``websocket-max-message-size``,
``websocket-max-frame-size``.
"""

from __future__ import annotations

from django.apps import apps
from django.core.checks import CheckMessage

from ... import check_ids
from ...config.project_settings import settings
from .base import RunserverBackend, provider_of, runserver_rules

FLAGS = frozenset({"noasgi"})
VALUE_OPTIONS = frozenset(
    {
        "http_timeout", "websocket_handshake_timeout",
        "websocket-max-message-size", "websocket-max-frame-size",
    }
)  # fmt: skip


class DaphneRunserver(RunserverBackend):
    """Daphne's ``runserver``, serving ``ASGI_APPLICATION``."""

    program = command = "runserver"
    module = "daphne"
    extra = "daphne"
    option_rules = runserver_rules(FLAGS, VALUE_OPTIONS)
    own_args = frozenset(
        {
            "websocket-timeout", "websocket-connect-timeout", "ping-interval",
            "ping-timeout", "application-close-timeout", "request-buffer-size",
            "server-name", "root-path", "unix-socket", "fd", "endpoints",
            "proxy-headers", "access-log",
        }
    )  # fmt: skip

    def check_command_app(self) -> list[CheckMessage]:
        """prodserver.E011 unless daphne's app provides ``runserver``."""
        provider = provider_of("runserver")
        if provider == "daphne":
            return []
        if apps.is_installed("daphne"):
            problem = f"{provider!r} comes before it"
        else:
            problem = "it is not installed"
        return [
            self.error(
                check_ids.APP_NOT_INSTALLED,
                "daphne's runserver needs 'daphne' first in INSTALLED_APPS, and "
                + problem,
                'Put "daphne" at the top of INSTALLED_APPS (in the settings of '
                "your development environment).",
            )
        ]

    def check_config(self) -> list[CheckMessage]:
        messages = super().check_config()
        if not getattr(settings, "ASGI_APPLICATION", None):
            messages.append(
                self.error(
                    check_ids.MISSING_SETTING,
                    "daphne's runserver serves ASGI_APPLICATION, which is not set",
                    'Set ASGI_APPLICATION = "mysite.asgi.application" in your '
                    "settings.",
                )
            )
        return messages
