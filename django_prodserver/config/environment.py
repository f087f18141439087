"""Where the project lives, and the environment every launched program gets.

A program started from another directory must still import the project: the
child gets ``DJANGO_SETTINGS_MODULE`` of the settings in use and a
``PYTHONPATH`` that holds the project root (the directory of ``manage.py``, or
the one the settings package is in).

Otherwise the program gets the environment the launcher was started with, not
the launcher's ``os.environ``: loading the settings changes that (Django sets
``TZ`` from ``TIME_ZONE``), and the program must see what it would see if the
dry run's line were typed in the same shell.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .project_settings import settings

#: Where Linux shows the environment a process was started with.
PROC_ENVIRON = "/proc/self/environ"


def original_environ() -> dict[str, str]:
    """The environment this process was started with.

    On Linux it is read from ``/proc/self/environ``, which changes to
    ``os.environ`` do not reach. Elsewhere it is ``os.environ`` without the
    ``TZ`` that Django set from ``TIME_ZONE`` (a ``TZ`` of the same value set
    before the launch is dropped too: the program's own settings set it again).
    """
    try:
        with open(PROC_ENVIRON, "rb") as file:
            data = file.read()
    except OSError:
        environ = dict(os.environ)
        time_zone = getattr(settings, "TIME_ZONE", None)
        if time_zone and environ.get("TZ") == time_zone:
            del environ["TZ"]
        return environ
    found: dict[str, str] = {}
    for item in data.split(b"\0"):
        key, equals, value = item.partition(b"=")
        if key and equals:
            found[os.fsdecode(key)] = os.fsdecode(value)
    return found


def settings_module() -> str:
    """The settings module in use (override_settings hides it; the env has it)."""
    return settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")


def module_root(module_name: str) -> str | None:
    """The ``sys.path`` directory that an imported module's top package lives in."""
    top = sys.modules.get(module_name.split(".", 1)[0])
    if top is None:
        return None
    paths = list(getattr(top, "__path__", []) or [])
    location = paths[0] if paths else getattr(top, "__file__", None)
    return os.path.dirname(os.path.abspath(location)) if location else None


def started_by_manage_py() -> str | None:
    """The ``manage.py`` that started this process, as an absolute path."""
    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) == "manage.py":
        return os.path.abspath(script)
    return None


def manage_py_directory() -> str | None:
    """The project directory that ``manage.py`` stands for: the directory of
    the ``manage.py`` that started this process, or else the working directory
    when it holds one (the console script, started in the project's directory,
    imports from there as ``manage.py`` would)."""
    started = started_by_manage_py()
    if started:
        return os.path.dirname(started)
    cwd = os.getcwd()
    return cwd if os.path.isfile(os.path.join(cwd, "manage.py")) else None


def project_roots(extra_paths: Sequence[str] = ()) -> list[str]:
    """Directories the child must be able to import from, most specific first."""
    roots = [os.path.abspath(p) for p in extra_paths if p]
    module = settings_module()
    settings_root = module_root(module) if module else None
    roots += [r for r in (settings_root, manage_py_directory()) if r]
    return list(dict.fromkeys(roots))


def find_manage_py(roots: Sequence[str]) -> str | None:
    """The ``manage.py`` that started us, or the one in a project root."""
    started = started_by_manage_py()
    if started:
        return started
    for root in roots:
        candidate = os.path.join(root, "manage.py")
        if os.path.isfile(candidate):
            return candidate
    return None


def prodserver_variables(
    roots: Sequence[str], environ: Mapping[str, str]
) -> dict[str, str]:
    """The variables prodserver sets for every child, given the launcher's
    ``environ``."""
    existing = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    pythonpath = list(dict.fromkeys([*roots, *existing]))
    module = settings_module()
    env = {"DJANGO_SETTINGS_MODULE": module} if module else {}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    return env


def project_key(roots: Sequence[str]) -> str:
    """A short stable id of this project, for per-project file names."""
    text = f"{settings_module()}:{roots[0] if roots else ''}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:8]


@dataclass(frozen=True)
class LaunchContext:
    """What every entry of one launch shares: the environment the launcher was
    started with, the project's roots, and the variables prodserver sets for
    every child."""

    environ: Mapping[str, str]
    roots: tuple[str, ...]
    variables: Mapping[str, str] = field(default_factory=dict)
    project_key: str = ""
    cwd: str = ""

    @classmethod
    def current(cls, pythonpath: Sequence[str] = ()) -> LaunchContext:
        """The context of this process (``--pythonpath`` given as ``pythonpath``)."""
        roots = project_roots(pythonpath)
        environ = original_environ()
        return cls(
            environ=environ,
            roots=tuple(roots),
            variables=prodserver_variables(roots, environ),
            project_key=project_key(roots),
            cwd=os.getcwd(),
        )
