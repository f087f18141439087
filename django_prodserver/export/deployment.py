"""What every exported file needs to know: how to start prodserver for a process."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..environment import find_manage_py, project_roots, settings_module
from ..exceptions import ConfigurationError
from ..programs import python
from ..supervisor import DEFAULT_STOP_TIMEOUT


@dataclass(frozen=True)
class Deployment:
    """What every exported file needs to know about how to start prodserver.

    Paths (``manage_py``, ``cwd``, ``pythonpath``, ``project_root``) are
    absolute. ``settings_option``, ``pythonpath``, ``spawn`` and a
    ``stop_timeout`` other than the default were given to the export command:
    every exported command repeats them, and ``extra_args`` after ``--``.
    ``oneshot`` names the processes that run once, to completion, before the
    others start (release steps), in their order.
    """

    names: tuple[str, ...]
    project: str
    settings: str
    python: str
    manage_py: str | None
    project_root: str
    cwd: str
    stop_timeout: float = DEFAULT_STOP_TIMEOUT
    settings_option: str | None = None
    pythonpath: str | None = None
    spawn: bool = False
    extra_args: tuple[str, ...] = ()
    oneshot: tuple[str, ...] = ()

    @property
    def long_running(self) -> tuple[str, ...]:
        """The processes that run until they are stopped."""
        return tuple(name for name in self.names if name not in self.oneshot)

    def path(self, path: str, relative: bool) -> str:
        return os.path.relpath(path, self.cwd) if relative else path

    def command(self, name: str, python: str, relative: bool, *more: str) -> list[str]:
        """argv of ``python manage.py prodserver NAME …`` for one process (or,
        with ``more`` names, for several: one-shot ones run one after another).

        ``relative`` writes paths relative to ``cwd`` (a Procfile or an image
        runs from the project directory); otherwise they are absolute. Without a
        ``manage.py``, ``python -m django`` with the settings and the project
        root on ``--pythonpath`` is used.
        """
        settings, pythonpath = self.settings_option, self.pythonpath
        if self.manage_py is None:
            prefix = [python, "-m", "django", "prodserver", name, *more]
            settings = settings or self.settings
            pythonpath = pythonpath or self.project_root
        else:
            manage_py = self.path(self.manage_py, relative)
            prefix = [python, manage_py, "prodserver", name, *more]
        options = [f"--settings={settings}"] if settings else []
        if pythonpath:
            options.append(f"--pythonpath={self.path(pythonpath, relative)}")
        if self.spawn:
            options.append("--spawn")
        if self.stop_timeout != DEFAULT_STOP_TIMEOUT:
            options.append(f"--stop-timeout={seconds(self.stop_timeout)}")
        extra = ["--", *self.extra_args] if self.extra_args else []
        return [*prefix, *options, *extra]


def stop_timeout_of(options: Mapping[str, object]) -> float:
    value = options.get("stop_timeout")
    timeout = DEFAULT_STOP_TIMEOUT if value is None else float(str(value))
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ConfigurationError(
            f"--stop-timeout must be a number of seconds above 0, not {value!r}"
        )
    return timeout


def deployment(
    names: Sequence[str],
    options: Mapping[str, object],
    extra: Sequence[str] = (),
    oneshot: Sequence[str] = (),
) -> Deployment:
    """Describe the deployment of ``names`` as this command invocation runs them."""
    pythonpath = str(options["pythonpath"]) if options.get("pythonpath") else None
    roots = project_roots([pythonpath] if pythonpath else [])
    module = settings_module()
    return Deployment(
        names=tuple(names),
        project=module.split(".", 1)[0] or "django",
        settings=module,
        python=python(),
        manage_py=find_manage_py(roots),
        project_root=roots[0] if roots else os.getcwd(),
        cwd=os.getcwd(),
        stop_timeout=stop_timeout_of(options),
        settings_option=str(options["settings"]) if options.get("settings") else None,
        pythonpath=os.path.abspath(pythonpath) if pythonpath else None,
        spawn=bool(options.get("spawn")),
        extra_args=tuple(extra),
        oneshot=tuple(name for name in names if name in oneshot),
    )


def seconds(value: float) -> str:
    """``10.0`` → ``10``, ``2.5`` → ``2.5``: a number systemd and compose both read."""
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}".rstrip("0")
