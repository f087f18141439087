"""tox's inline plugin for this project: let tox find every installed Python.

tox.ini names each environment's interpreter by version (``python3.12``). Version
managers often install several Pythons but put only one on ``PATH``: pyenv's shims
answer only for the selected version, and uv keeps its Pythons off ``PATH``. Before
any environment is made, this plugin appends the ``bin`` directory of the newest
installed patch release of each version tox.ini uses to the end of ``PATH``, so
that tox finds it there and nothing already on ``PATH`` is shadowed. A version
found nowhere is reported by tox as skipped ("could not find python interpreter").
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tox.plugin import impl

if TYPE_CHECKING:
    from tox.config.sets import ConfigSet
    from tox.session.state import State

#: The versions that tox.ini's environments run on.
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def install_roots() -> Iterator[Path]:
    """Directories that hold one directory per installed Python."""
    home = Path.home()
    pyenv = os.environ.get("PYENV_ROOT") or str(home / ".pyenv")
    yield Path(pyenv) / "versions"
    asdf = os.environ.get("ASDF_DATA_DIR") or str(home / ".asdf")
    yield Path(asdf) / "installs" / "python"
    mise = os.environ.get("MISE_DATA_DIR") or str(home / ".local/share/mise")
    yield Path(mise) / "installs" / "python"
    uv = os.environ.get("UV_PYTHON_INSTALL_DIR") or str(home / ".local/share/uv/python")
    yield Path(uv)


def patch_level(name: str, version: str) -> tuple[int, ...] | None:
    """``(3, 12, 1)`` for ``3.12.1`` or ``cpython-3.12.1-linux-x86_64-gnu``."""
    match = re.fullmatch(
        rf"(?:cpython-)?({re.escape(version)}\.\d+)(?:-[a-z0-9_]+)*", name
    )
    return tuple(int(part) for part in match[1].split(".")) if match else None


def bin_dirs(version: str) -> Iterator[Path]:
    """The ``bin`` directories with a ``pythonX.Y`` of ``version``, newest first."""
    found: list[tuple[tuple[int, ...], Path]] = []
    for root in install_roots():
        if not root.is_dir():
            continue
        for install in root.iterdir():
            level = patch_level(install.name, version)
            program = install / "bin" / f"python{version}"
            if level and program.is_file() and os.access(program, os.X_OK):
                found.append((level, program.parent))
    for _, directory in sorted(found, reverse=True):
        yield directory


@impl
def tox_add_core_config(core_conf: ConfigSet, state: State) -> None:
    path = os.environ.get("PATH", "").split(os.pathsep)
    for version in VERSIONS:
        directory = next(bin_dirs(version), None)
        if directory is not None and str(directory) not in path:
            path.append(str(directory))
    os.environ["PATH"] = os.pathsep.join(filter(None, path))
