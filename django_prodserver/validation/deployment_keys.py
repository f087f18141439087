"""What an entry tells the deployments about itself: ``PROBE`` (where a web
server's health is asked) and ``RESOURCES`` (what its Kubernetes container
requests and may use)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import check_ids
from ..config.messages import error
from ..config.quantities import RESOURCE_NAMES, SIDES, quantity
from ..text import brief

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

PROBE_HINT = 'Write "PROBE": {"path": "/health/"}, or leave the key out.'
RESOURCES_HINT = (
    'Write "RESOURCES": {"requests": {"cpu": "250m", "memory": "256Mi"}, '
    '"limits": {"cpu": "1", "memory": "512Mi"}}, or leave out what the defaults '
    "may set."
)


def probe_path_of(entry: Mapping[Any, Any]) -> str | None:
    """``PROBE["path"]`` when it is well formed, else None."""
    probe = entry.get("PROBE")
    if isinstance(probe, Mapping) and not probe_problem(probe):
        return str(probe["path"])
    return None


def probe_problem(probe: object) -> str:
    """What is wrong with a ``PROBE`` value ("" for nothing)."""
    if not isinstance(probe, Mapping):
        return f" must be a dict such as {{'path': '/health/'}}, not {brief(probe)}"
    unknown = [key for key in probe if key != "path"]
    if unknown:
        return f" takes the key 'path' only, not {brief(unknown[0])}"
    path = probe.get("path")
    if not (isinstance(path, str) and path.startswith("/") and " " not in path):
        return f"['path'] must be a URL path that starts with '/', not {brief(path)}"
    return ""


def check_probe(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    if "PROBE" not in entry:
        return []
    problem = probe_problem(entry["PROBE"])
    if not problem:
        return []
    message = f"{label}['PROBE']{problem}"
    return [error(check_ids.BAD_PROBE, message, PROBE_HINT)]


def resources_of(entry: Mapping[Any, Any]) -> dict[str, dict[str, str]] | None:
    """``RESOURCES`` when it is well formed (numbers written as strings),
    else None."""
    value = entry.get("RESOURCES")
    if not isinstance(value, Mapping) or resources_problem(value):
        return None
    return {
        side: {name: str(as_text(amount)) for name, amount in value[side].items()}
        for side in SIDES
        if side in value
    }


def resources_problem(value: object) -> str:
    """What is wrong with a ``RESOURCES`` value ("" for nothing)."""
    if not isinstance(value, Mapping) or not value:
        return f" must be a dict of 'requests' and 'limits', not {brief(value)}"
    for side, amounts in value.items():
        if side not in SIDES:
            return f" takes 'requests' and 'limits', not {brief(side)}"
        if not isinstance(amounts, Mapping) or not amounts:
            return (
                f"[{side!r}] must be a dict of 'cpu' and 'memory', not {brief(amounts)}"
            )
        for name, amount in amounts.items():
            if name not in RESOURCE_NAMES:
                return f"[{side!r}] takes 'cpu' and 'memory', not {brief(name)}"
            if quantity(as_text(amount)) is None:
                return (
                    f"[{side!r}][{name!r}] must be a quantity above 0 such as "
                    f"'250m', '1' or '512Mi', not {brief(amount)}"
                )
    return over_limit(value)


def as_text(amount: object) -> object:
    """A number of the setting as the quantity Kubernetes reads (``1`` → ``"1"``)."""
    if isinstance(amount, (int, float)) and not isinstance(amount, bool):
        return f"{amount:g}"
    return amount


def over_limit(value: Mapping[Any, Any]) -> str:
    """A request above its limit, which Kubernetes refuses ("" for none)."""
    requests, limits = value.get("requests", {}), value.get("limits", {})
    for name in RESOURCE_NAMES:
        if name in requests and name in limits:
            asked, most = (quantity(as_text(d[name])) for d in (requests, limits))
            if asked is not None and most is not None and asked > most:
                return (
                    f" asks for {brief(requests[name])} of {name}, more than its "
                    f"limit {brief(limits[name])}"
                )
    return ""


def check_resources(label: str, entry: Mapping[Any, Any]) -> list[CheckMessage]:
    if "RESOURCES" not in entry:
        return []
    problem = resources_problem(entry["RESOURCES"])
    if not problem:
        return []
    message = f"{label}['RESOURCES']{problem}"
    return [error(check_ids.BAD_RESOURCES, message, RESOURCES_HINT)]
