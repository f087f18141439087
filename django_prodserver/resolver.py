"""Resolve ``PRODUCTION_PROCESSES`` entries into plans (argv, env, cwd).

The resolver decides the child's environment: ``DJANGO_SETTINGS_MODULE`` of the
settings in use, and a ``PYTHONPATH`` that holds the project root, so that the
program imports the project from whatever directory prodserver was started in.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence

from django.conf import settings

from .backends.base import ProcessBackend, ProcessConfig
from .exceptions import ConfigurationError, brief
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


#: The check id of an entry whose backend fails to build its command.
BACKEND_FAILED = "prodserver.E012"


@contextlib.contextmanager
def backend_errors(config: ProcessConfig, doing: str) -> Iterator[None]:
    """Turn whatever the backend's code raises while ``doing`` into a
    :class:`ConfigurationError` that names the entry.

    Backends are user code too: a bug in one must reach the user as a one-line
    error, not a traceback (``--traceback`` still shows the original).
    """
    try:
        yield
    except ConfigurationError as exc:
        message = exc.message
        if config.label not in message:
            message = f"{config.label}: {message}"
        raise ConfigurationError(
            message, exc.hint, exc.check_id or BACKEND_FAILED
        ) from exc
    except Exception as exc:
        raise ConfigurationError(
            f"{config.label}: BACKEND {config.backend!r} failed while {doing} "
            f"({type(exc).__name__}: {exc})",
            "Fix the backend class; `manage.py prodserver "
            f"{config.name} --dry-run --traceback` shows where it failed.",
            BACKEND_FAILED,
        ) from exc


def build_backend(
    config: ProcessConfig,
    backend_class: type[ProcessBackend],
    pythonpath: Sequence[str] = (),
) -> tuple[ProcessBackend, dict[str, str]]:
    """The backend of one checked entry, and the environment prodserver sets.

    The backend sees the launcher's environment plus prodserver's variables and
    ``ENV``, as the program will. Raises :class:`ConfigurationError`.
    """
    roots = project_roots(pythonpath)
    env = {**child_environment(roots, os.environ), **config.env}
    with backend_errors(config, "starting"):
        backend = backend_class(config, {**os.environ, **env}, project_key(roots))
    return backend, env


def checked_commands(config: ProcessConfig, commands: object) -> list[list[str]]:
    """The backend's argvs, after making sure they are lists of strings."""
    if (
        isinstance(commands, list)
        and commands
        and all(
            isinstance(argv, (list, tuple))
            and argv
            and all(isinstance(word, str) and "\0" not in word for word in argv)
            for argv in commands
        )
    ):
        return [list(argv) for argv in commands]
    raise ConfigurationError(
        f"{config.label}: BACKEND {config.backend!r} built {brief(commands)}, "
        "not a command line",
        "build_argv() must return a non-empty list of strings.",
        BACKEND_FAILED,
    )


def checked_environment(config: ProcessConfig, env: object) -> dict[str, str]:
    if isinstance(env, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in env.items()
    ):
        return dict(env)
    raise ConfigurationError(
        f"{config.label}: BACKEND {config.backend!r} set the environment {brief(env)}",
        "environment() must return a dict of strings to strings.",
        BACKEND_FAILED,
    )


def resolve(
    config: ProcessConfig,
    backend_class: type[ProcessBackend],
    extra_args: Sequence[str] = (),
    pythonpath: Sequence[str] = (),
) -> list[Plan]:
    """The plans of one checked entry: usually one, several for worker pools.

    Raises :class:`ConfigurationError` (with a check id) for anything that stops
    the entry from becoming a command, the backend's own failures included.
    """
    backend, env = build_backend(config, backend_class, pythonpath)
    return plans_of(config, backend, env, extra_args)


def plans_of(
    config: ProcessConfig,
    backend: ProcessBackend,
    env: dict[str, str],
    extra_args: Sequence[str] = (),
) -> list[Plan]:
    """The plans that a built backend makes (see :func:`resolve`); ``env`` is
    what :func:`build_backend` returned beside it."""
    with backend_errors(config, "building the command"):
        commands = checked_commands(config, backend.commands(list(extra_args)))
        env.update({**checked_environment(config, backend.environment()), **config.env})
        missing = "" if backend.is_installed() else backend.install_hint()
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
            missing=missing,
        )
        for name, argv in zip(names, commands, strict=True)
    ]


def numbered(name: str, count: int) -> Iterable[str]:
    return (f"{name}.{i}" for i in range(1, count + 1))
