"""Find the program a backend runs, in the environment of the running Python.

Never a different installation that happens to come first on ``PATH``: the
console script from this interpreter's scripts directory, or ``python -m module``.
Nothing here imports the program's package (``find_spec`` on a top-level name
only locates it).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import sysconfig
from functools import cache
from importlib.machinery import ModuleSpec
from pathlib import Path


@cache
def scripts_dirs() -> tuple[str, ...]:
    """Where this interpreter's console scripts live (the venv's ``bin`` first)."""
    dirs = [os.path.abspath(sysconfig.get_path("scripts"))]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        dirs.append(sysconfig.get_path("scripts", user_scheme))
    return tuple(dict.fromkeys(d for d in dirs if d))


def top_level_spec(name: str) -> ModuleSpec | None:
    """Where a top-level module is, found without importing anything."""
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None


def is_installed(dotted: str) -> bool:
    """Whether a module can be imported, without importing it or its packages.

    ``find_spec("a.b")`` would import ``a``; for a dotted name the top-level
    package is only located, and the rest is looked up in its directories.
    """
    top, *rest = dotted.split(".")
    spec = top_level_spec(top)
    if spec is None:
        return False
    if not rest:
        return True
    locations = [Path(p) for p in spec.submodule_search_locations or ()]
    *packages, last = rest
    for location in locations:
        directory = location.joinpath(*packages)
        if (directory / last).is_dir() or (directory / f"{last}.py").is_file():
            return True
    return False


def module_file(dotted: str) -> str | None:
    """The source file of a module, without importing it or its packages (an
    imported module's own ``__file__``); None if there is none to read."""
    module = sys.modules.get(dotted)
    if module is not None:
        found = getattr(module, "__file__", None)
        return found if isinstance(found, str) else None
    top, *rest = dotted.split(".")
    spec = top_level_spec(top)
    if spec is None:
        return None
    if not rest:
        return spec.origin if spec.has_location else None
    *packages, last = rest
    for location in spec.submodule_search_locations or ():
        directory = Path(location).joinpath(*packages)
        for candidate in (directory / f"{last}.py", directory / last / "__init__.py"):
            if candidate.is_file():
                return str(candidate)
    return None


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares it (``Foo.Bar`` is ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@cache  # what is installed does not change while the command runs
def installed_version(distribution: str, module: str | None = None) -> str | None:
    """The version of an installed distribution, without importing it.

    Read from the name of its ``NAME-VERSION.dist-info`` directory beside the
    module (one directory listing); only when there is none (an egg, an unusual
    layout) from :mod:`importlib.metadata`, whose import and search of every
    ``sys.path`` entry cost more than the rest of a dry run's own work.
    """
    try:
        spec = importlib.util.find_spec(module or distribution)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    location = locations[0] if locations else spec.origin
    if location:
        found = dist_info_version(os.path.dirname(location), distribution)
        if found:
            return found
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def dist_info_version(directory: str, distribution: str) -> str | None:
    """The version in the name of ``distribution``'s dist-info in ``directory``."""
    wanted = normalized(distribution)
    try:
        entries = os.listdir(directory)
    except OSError:
        return None
    for entry in entries:
        if entry.endswith(".dist-info"):
            name, _, version = entry[: -len(".dist-info")].rpartition("-")
            if name and version and normalized(name) == wanted:
                return version
    return None


def find_script(name: str) -> str | None:
    suffixes = (".exe", "") if os.name == "nt" else ("",)
    for directory in scripts_dirs():
        for suffix in suffixes:
            path = os.path.join(directory, name + suffix)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path
    return None


def python() -> str:
    """The running interpreter, as an absolute path without ``..`` (symlinks are
    kept: a virtualenv's ``python`` is one, and resolving it would leave the venv)."""
    return os.path.abspath(sys.executable)


def program_argv(script: str, module: str | None) -> list[str]:
    """The argv prefix that starts ``script``: its path, or ``python -m module``.

    When neither is installed the bare script name is returned, so that a dry run
    on a machine without the program still shows the command.
    """
    path = find_script(script)
    if path is not None:
        return [path]
    if module is not None and is_installed(module):
        return [python(), "-m", module]
    return [script]


def python_module_argv(module: str, *args: str) -> list[str]:
    """``python -m module args…`` with the running interpreter."""
    return [python(), "-m", module, *args]
