"""A backend's own failures, as the one error type with the entry named.

Backends are user code too: a bug in one must reach the user as a one-line
error that names the entry, not a traceback (``--traceback`` still shows the
original, which the error is chained to).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.exceptions import AppRegistryNotReady

from . import check_ids
from .entry import ProcessConfig
from .exceptions import ConfigurationError


@contextlib.contextmanager
def backend_errors(config: ProcessConfig, doing: str) -> Iterator[None]:
    """Turn whatever the backend's code raises while ``doing`` into a
    :class:`ConfigurationError` that names the entry (``prodserver.E012``
    unless the backend's own error has an id)."""
    try:
        yield
    except ConfigurationError as exc:
        message = exc.message
        if config.label not in message:
            message = f"{config.label}: {message}"
        raise ConfigurationError(
            message, exc.hint, exc.check_id or check_ids.BACKEND_FAILED
        ) from exc
    except AppRegistryNotReady:
        raise  # the launch sets Django up and tries again (see registry)
    except (Exception, SystemExit) as exc:
        raise ConfigurationError(
            f"{config.label}: BACKEND {config.backend!r} failed while {doing} "
            f"({type(exc).__name__}: {exc})",
            "Fix the backend class; `manage.py prodserver "
            f"{config.name} --dry-run --traceback` shows where it failed.",
            check_ids.BACKEND_FAILED,
        ) from exc
