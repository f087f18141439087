"""Resolve ``PRODUCTION_PROCESSES`` entries into plans (argv, env, cwd).

The resolver decides the child's environment: ``DJANGO_SETTINGS_MODULE`` of the
settings in use, and a ``PYTHONPATH`` that holds the project root, so that the
program imports the project from whatever directory prodserver was started in.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings

from .backends.base import ProcessBackend, ProcessConfig
from .exceptions import ConfigurationError
from .plan import Plan


def module_root(module_name: str) -> str | None:
    """The ``sys.path`` directory that an imported module's top package lives in."""
    top = sys.modules.get(module_name.split(".", 1)[0])
    if top is None:
        return None
    paths = list(getattr(top, "__path__", []) or [])
    location = paths[0] if paths else getattr(top, "__file__", None)
    return os.path.dirname(os.path.abspath(location)) if location else None


def manage_py_dir() -> str | None:
    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) == "manage.py":
        return os.path.dirname(os.path.abspath(script))
    return None


def settings_module() -> str:
    """The settings module in use (override_settings hides it; the env has it)."""
    return settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")


def project_roots(extra_paths: Sequence[str] = ()) -> list[str]:
    """Directories the child must be able to import from, most specific first."""
    roots = [os.path.abspath(p) for p in extra_paths if p]
    settings_root = module_root(settings_module()) if settings_module() else None
    roots += [r for r in (settings_root, manage_py_dir()) if r]
    return list(dict.fromkeys(roots))


def child_environment(
    roots: Sequence[str], environ: Mapping[str, str]
) -> dict[str, str]:
    """The variables prodserver sets for every child."""
    existing = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    pythonpath = list(dict.fromkeys([*roots, *existing]))
    env = {"DJANGO_SETTINGS_MODULE": settings_module()} if settings_module() else {}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    return env


def project_key(roots: Sequence[str]) -> str:
    """A short stable id of this project, for per-project file names."""
    text = f"{settings_module()}:{roots[0] if roots else ''}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:8]


def resolve(
    config: ProcessConfig,
    backend_class: type[ProcessBackend],
    extra_args: Sequence[str] = (),
    pythonpath: Sequence[str] = (),
) -> list[Plan]:
    """The plans of one checked entry: usually one, several for worker pools."""
    roots = project_roots(pythonpath)
    base_env = child_environment(roots, os.environ)
    env = {**base_env, **config.env}
    backend = backend_class(config, {**os.environ, **env}, project_key(roots))
    try:
        commands = backend.commands(list(extra_args))
        env.update({**backend.environment(), **config.env})
    except ValueError as exc:  # e.g. WSGI_APPLICATION missing
        raise ConfigurationError(f"{config.label}: {exc}") from exc
    names = (
        [config.name] if len(commands) == 1 else numbered(config.name, len(commands))
    )
    return [
        Plan(
            name=name,
            backend=config.backend,
            argv=tuple(argv),
            env=env,
            cwd=os.getcwd(),
            stop_signal=backend.stop_signal,
            accepted_signals=backend.accepted_signals,
            can_exec=backend.can_exec and len(commands) == 1,
            missing="" if backend.is_installed() else backend.install_hint(),
        )
        for name, argv in zip(names, commands, strict=True)
    ]


def numbered(name: str, count: int) -> Iterable[str]:
    return (f"{name}.{i}" for i in range(1, count + 1))
