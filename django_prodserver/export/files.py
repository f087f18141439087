"""``--export --output PATH``: a deployment file written whole or not at all.

The text goes to a temporary file beside ``PATH``, is flushed to the disk, and
only then takes the place of ``PATH`` (a rename, which is atomic): a full disk
or an interruption leaves the old file, or none, never half of the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from ..exceptions import ConfigurationError


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole, or raise and leave ``path`` as it was."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(path)}.", dir=directory
        )
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write {path!r} ({exc.strerror or exc})"
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ConfigurationError(
            f"cannot write {path!r} ({exc.strerror or exc}); it was left as it was"
        ) from exc
