"""Kubernetes resource quantities (``250m`` of CPU, ``512Mi`` of memory): which
strings are ones, and how they compare."""

from __future__ import annotations

import re
from decimal import Decimal

#: A quantity as Kubernetes writes CPU and memory: a number and a suffix.
QUANTITY = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")
#: What each suffix multiplies by.
SUFFIXES = {
    "": Decimal(1),
    "m": Decimal("0.001"),
    **{s: Decimal(1000) ** (i + 1) for i, s in enumerate("kMGTPE")},
    **{f"{s}i": Decimal(1024) ** (i + 1) for i, s in enumerate("KMGTPE")},
}
#: The two resources prodserver writes, and the two sides of each.
RESOURCE_NAMES = ("cpu", "memory")
SIDES = ("requests", "limits")


def quantity(value: object) -> Decimal | None:
    """The amount a quantity stands for (cores, bytes); None if ``value`` is
    not a quantity above 0."""
    if not isinstance(value, str):
        return None
    match = QUANTITY.fullmatch(value)
    if match is None:
        return None
    amount = Decimal(match[1]) * SUFFIXES[match[2] or ""]
    return amount if amount > 0 else None
