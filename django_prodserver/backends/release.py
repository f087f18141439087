"""A release step: management commands that run once, before the processes start.

Platforms with a release phase (Heroku's ``release:``, a compose service the
others depend on, a Kubernetes Job) run it once per deploy; ``prodserver
--all`` runs it first, to completion, and starts the other processes only if it
succeeds::

    PRODUCTION_PROCESSES = {
        "release": {
            "BACKEND": "django_prodserver.backends.release.Release",
            "WAIT_FOR": ["database"],
            "BEFORE": ["migrate --noinput"],
        },
        "web": {...},
    }
"""

from __future__ import annotations

from django.core.checks import CheckMessage

from .. import check_ids
from .base import ProcessBackend


class Release(ProcessBackend):
    """An entry with no program: it waits for its ``WAIT_FOR``, runs its
    ``BEFORE`` steps in order, and exits (status 0, or 1 if a step fails)."""

    oneshot = True

    def commands(self, extra_args: list[str]) -> list[list[str]]:
        return []

    def check_config(self) -> list[CheckMessage]:
        messages = super().check_config()
        if not self.config.before:
            messages.append(
                self.error(
                    check_ids.BAD_BEFORE,
                    "a release entry runs its BEFORE steps, and it has none",
                    'Add the commands to run, e.g. "BEFORE": ["migrate --noinput"].',
                )
            )
        return messages
