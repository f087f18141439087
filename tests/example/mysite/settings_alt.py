"""An alternative settings module: the tests check that ``--settings`` reaches
the served process."""

from .settings import *  # noqa: F403

SITE_LABEL = "alternative"
