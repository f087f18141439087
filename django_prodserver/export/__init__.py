"""Deployment files for configured processes: a Procfile, systemd units, a
compose file, Kubernetes objects, supervisord programs.

Every file starts the processes the same way, through ``manage.py prodserver
NAME``, so the settings stay the one place that says how a process runs: change
``ARGS`` and redeploy, the deployment files do not change. What each file adds
is what its process manager needs to know: the process names, how to stop each
one (signal and budget), its health probe, its ports, and which processes run
once before the others (release steps).

Each format is a module of this package with a ``render(deployment)`` function;
:data:`FORMATS` lists them. Only ``--export`` imports a renderer.
"""

from __future__ import annotations

import importlib

from ..exceptions import ConfigurationError

#: The formats of ``--export``: each is the module of its renderer.
FORMATS = ("procfile", "systemd", "compose", "stack", "kubernetes", "supervisord")


def render(export_format: str, deploy: object) -> str:
    """The text of one export format for the deployment."""
    if export_format not in FORMATS:
        raise ConfigurationError(
            f"unknown export format {export_format!r}; use one of {', '.join(FORMATS)}"
        )
    module = importlib.import_module(f"{__name__}.{export_format}")
    text: str = module.render(deploy)
    return text
