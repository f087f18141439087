"""The plans handed from the ``prodserver`` command to the supervisor.

The command resolves its plans in the Django process, writes them as JSON to an
anonymous file, and execs the supervisor with the file's descriptor inherited
and named by :data:`PAYLOAD_VARIABLE`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping, MutableMapping, Sequence

from .plan import Plan
from .printer import LineFormat

#: The environment variable that names the file descriptor of the plans.
PAYLOAD_VARIABLE = "DJANGO_PRODSERVER_SUPERVISE"


class Payload:
    """What the command hands the supervisor: the plans, the ``--stop-timeout``
    that overrides their own, and the environment the children start from (the
    launcher's original one)."""

    def __init__(
        self,
        plans: Sequence[Plan],
        stop_timeout: float | None = None,
        environ: Mapping[str, str] | None = None,
        colour: bool | None = None,
        line_format: LineFormat | None = None,
        quiet: bool = False,
    ) -> None:
        self.plans = list(plans)
        self.stop_timeout = stop_timeout
        self.environ = dict(environ or {})
        #: ``--force-color`` (True), ``--no-color`` (False), or neither (None).
        self.colour = colour
        #: How the lines of several processes are printed.
        self.line_format = line_format or LineFormat()
        #: ``--quiet``: no start-up banner.
        self.quiet = quiet

    def encode(self) -> bytes:
        return json.dumps(
            {
                "processes": [plan.to_payload() for plan in self.plans],
                "stop_timeout": self.stop_timeout,
                "environ": self.environ,
                "colour": self.colour,
                "lines": self.line_format.to_payload(),
                "quiet": self.quiet,
            }
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> Payload:
        try:
            loaded = json.loads(data)
            plans = [Plan.from_payload(item) for item in loaded["processes"]]
            timeout = loaded["stop_timeout"]
            environ = loaded["environ"]
            colour = loaded.get("colour")
            line_format = LineFormat.from_payload(loaded.get("lines") or {})
            if not isinstance(environ, dict):
                raise TypeError("the environment is not a dict")
            if timeout is not None:
                timeout = float(timeout)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed plans: {exc}") from exc
        if not plans:
            raise ValueError("the plans name no process")
        environ = {str(k): str(v) for k, v in environ.items()}
        colour = None if colour is None else bool(colour)
        return cls(
            plans, timeout, environ, colour, line_format, bool(loaded.get("quiet"))
        )

    def to_descriptor(self) -> int:
        """A file descriptor of an anonymous file that holds the payload, read
        from its start (close-on-exec: the caller lets the supervisor inherit it).

        An environment variable would be limited to 128 KiB on Linux; a file
        has no such limit.
        """
        fd = anonymous_file()
        view = memoryview(self.encode())
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    @classmethod
    def from_descriptor(cls, fd: int) -> Payload:
        """The payload in file descriptor ``fd``, which is closed."""
        chunks = []
        try:
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
        except OSError as exc:
            raise ValueError(f"cannot read the plans: {exc}") from exc
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
        return cls.decode(b"".join(chunks))


def anonymous_file() -> int:
    """A file without a name: in memory on Linux, else an unlinked temporary file."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("prodserver-plans")
    import tempfile

    with tempfile.TemporaryFile() as file:
        return os.dup(file.fileno())


def read_payload(environ: MutableMapping[str, str]) -> Payload:
    """The payload whose file descriptor :data:`PAYLOAD_VARIABLE` names (the
    variable is removed). ``LookupError`` without one, ``ValueError`` if it
    cannot be read."""
    value = environ.pop(PAYLOAD_VARIABLE)
    if not value.isdigit():
        raise ValueError(f"{PAYLOAD_VARIABLE} is not a file descriptor: {value!r}")
    return Payload.from_descriptor(int(value))
