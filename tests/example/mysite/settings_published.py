"""Every documented example configuration (``published.EXAMPLES``) as a process."""

from .published import EXAMPLES
from .settings import *  # noqa: F403

PRODUCTION_PROCESSES = {
    name: {"BACKEND": backend, "ARGS": args}
    for name, (backend, args) in EXAMPLES.items()
}
