"""Settings with the example project's custom backends."""

from .settings import *  # noqa: F403

PRODUCTION_PROCESSES = {
    "probe": {"BACKEND": "mysite.backends.StatusProbe"},
    "missing": {"BACKEND": "mysite.backends.Missing"},
}
