"""Hypothesis profiles: ``full`` (the reference environment: every property
test at its full example count) and ``smoke`` (the other Django lines: the same
properties on fewer examples). ``PRODSERVER_HYPOTHESIS_PROFILE`` chooses one;
``full`` is the default."""

from __future__ import annotations

import os

from hypothesis import settings

FULL = "full"
SMOKE = "smoke"
#: The example count of every property test under the smoke profile.
SMOKE_EXAMPLES = 25


def load() -> None:
    """Register both profiles and load the one the environment names."""
    settings.register_profile(FULL, deadline=None)
    settings.register_profile(SMOKE, deadline=None, max_examples=SMOKE_EXAMPLES)
    settings.load_profile(os.environ.get("PRODSERVER_HYPOTHESIS_PROFILE", FULL))


def is_full() -> bool:
    """Whether property tests run on their full example counts."""
    return settings.get_current_profile_name() != SMOKE


def examples(full: int) -> int:
    """A property test's example count: ``full`` under the full profile, no more
    than the smoke profile's count under it."""
    return full if is_full() else min(full, SMOKE_EXAMPLES)
