"""A backend's own failures, as the one error type with the entry named.

Backends are user code too: a bug in one must reach the user as a one-line
error that names the entry, not a traceback (``--traceback`` still shows the
original, which the error is chained to).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import AppRegistryNotReady

from .. import check_ids
from ..config.entry import ProcessConfig
from ..exceptions import ConfigurationError
from ..text import brief, cut

if TYPE_CHECKING:
    from .base import ProcessBackend
    from .probes import Probe


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
            f"{config.label}: BACKEND {brief(config.backend)} failed while {doing} "
            f"({type(exc).__name__}: {cut(str(exc))})",
            "Fix the backend class; `manage.py prodserver "
            f"{config.name} --dry-run --traceback` shows where it failed.",
            check_ids.BACKEND_FAILED,
        ) from exc


def backend_probe(
    backend: ProcessBackend, extra_args: Sequence[str], path: str
) -> Probe | None:
    """The backend's ``probe()``: whatever it raises, or a return value that is
    not a probe, is the one error that names the entry (``prodserver.E012``).

    A web server is asked at its entry's ``PROBE`` path, else at the program's
    own health path, else at ``path`` (``--probe-path``)."""
    from .probes import is_probe
    from .web import WebServerBackend

    if isinstance(backend, WebServerBackend):
        path = backend.config.probe_path or backend.health_path or path
    with backend_errors(backend.config, "building its probe"):
        found = backend.probe(list(extra_args), path)
        if not is_probe(found):
            raise TypeError(
                f"probe() returned {brief(found)}, not an HttpProbe, a "
                "CommandProbe or None"
            )
    return found
