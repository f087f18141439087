"""``--scale NAME=N``: how many copies of a selected process run, instead of
its ``REPLICAS``, for a launch, a dry run, the list or an export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .. import check_ids
from ..backends.copies import runs_once
from ..exceptions import ConfigurationError
from ..validation.entries import Report


def apply_scale(report: Report, scale: Mapping[str, int]) -> None:
    """Give each process that ``scale`` names its number of copies. A name
    that is not being started, or more than one copy of a process that runs
    once, is refused."""
    entries = {str(entry.name): entry for entry in report.entries}
    for name, count in scale.items():
        if name not in entries:
            raise ConfigurationError(
                f"--scale {name}={count}: {name!r} is not one of the processes "
                f"being started ({', '.join(entries)})",
                returncode=2,
            )
        backend = entries[name].backend
        if backend is None:
            continue  # a broken entry: its own error says why
        if count > 1 and runs_once(backend):
            raise ConfigurationError(
                f"--scale {name}={count}: {backend.config.label} must run once: "
                "the process must never run twice",
                f"Leave {name} out of --scale: one copy of it runs.",
                check_ids.BAD_REPLICAS,
                returncode=2,
            )
        backend.config = replace(backend.config, replicas=count)
