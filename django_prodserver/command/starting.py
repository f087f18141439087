"""What the command knows of the web servers it starts: where each listens
(a port that is taken stops the launch first) and the URL its start-up line
shows."""

from __future__ import annotations

from ..backends.web import WebServerBackend
from ..config.addresses import Address
from ..launch.banner import web_url
from ..launch.plan import Plan
from .selection import Selected, Selection


def listen_addresses(each: Selected, selection: Selection) -> list[Address]:
    """The TCP addresses of a web server entry; none for another process."""
    if not isinstance(each.backend, WebServerBackend) or each.backend.oneshot:
        return []
    extra_args = selection.extra_args.get(str(each.backend.name), [])
    return each.backend.listen_addresses(extra_args)


def listeners(selection: Selection) -> list[tuple[str, list[Address]]]:
    """Each web server entry to start, and where it listens."""
    return [
        (str(each.backend.name), listen_addresses(each, selection))
        for each in selection.in_launch_order()
    ]


def plans_to_start(selection: Selection) -> list[Plan]:
    """The plans of the programs to start, each web server's with its URL."""
    plans = []
    for each in selection.in_launch_order():
        if each.backend.oneshot:
            continue
        addresses = [a for a in listen_addresses(each, selection) if a[1]]
        url = web_url(*addresses[0]) if addresses else ""
        plans += [plan.replace(url=url) for plan in each.plans]
    return plans
