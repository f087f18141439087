"""System checks for ``PRODUCTION_PROCESSES`` (``manage.py check``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps.config import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, register

TAG = "prodserver"


@register(TAG)
def check_production_processes(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Check every entry of ``PRODUCTION_PROCESSES``; no setting, nothing to check."""
    # Imported here, not at the top: this module is loaded by every process of
    # the project (each server worker too) when the app is ready, and only
    # `check` and the prodserver command need the validation code.
    from .config.entry import SETTING

    if not hasattr(settings, SETTING):
        return []
    return check_processes(getattr(settings, SETTING))


def check_processes(processes: object) -> list[CheckMessage]:
    """The checks of every entry, and whether each well-formed entry resolves
    (a backend whose code fails to build its command is reported here too)."""
    from .config.environment import LaunchContext
    from .exceptions import ConfigurationError
    from .launch.resolver import resolve
    from .validation.entries import check_entries, read_setting

    setting, problems = read_setting(processes)
    if problems:
        return problems
    context = LaunchContext.current()
    report = check_entries(setting, context=context)
    for entry in report.entries:
        if entry.backend is not None and not entry.errors():
            try:
                resolve(entry.backend, context)
            except ConfigurationError as exc:
                entry.add_failure(exc)
    return report.messages


@register(TAG, deploy=True)
def check_production_deploy(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """``check --deploy``: entries that run, but not as production should
    (a development server, ``DEBUG``, a loopback address in a container)."""
    from .config.entry import SETTING

    if not hasattr(settings, SETTING):
        return []
    from .config.environment import LaunchContext
    from .validation.deploy import deploy_messages
    from .validation.entries import check_entries, read_setting

    setting, problems = read_setting(getattr(settings, SETTING))
    if problems:
        return []  # the check above reports them
    context = LaunchContext.current()
    report = check_entries(setting, context=context, deep=False)
    backends = [e.backend for e in report.entries if e.backend and not e.errors()]
    return deploy_messages(backends, context.environ)
