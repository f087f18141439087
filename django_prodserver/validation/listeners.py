"""prodserver.W003: two web processes that would listen on the same address."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import check_ids
from ..backends.base import WebServerBackend
from ..backends.failures import backend_errors
from ..config.addresses import Address, addresses_overlap
from ..config.messages import warning
from ..exceptions import ConfigurationError
from .checked import CheckedEntry

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


def listen_addresses(entry: CheckedEntry) -> list[Address]:
    """Where a web server entry listens (see ``WebServerBackend.listen_addresses``)."""
    backend = entry.backend
    if not isinstance(backend, WebServerBackend) or entry.errors():
        return []
    try:
        with backend_errors(backend.config, "finding its address"):
            found = list(backend.listen_addresses())
    except ConfigurationError as exc:
        entry.add_failure(exc)
        return []
    return [
        address
        for address in found
        if isinstance(address, tuple)
        and len(address) == 2
        and isinstance(address[0], str)
        and isinstance(address[1], int)
    ]


def check_listeners(
    listeners: Sequence[tuple[str, Sequence[Address]]],
) -> list[CheckMessage]:
    """prodserver.W003: a web process on the address and port of an earlier one."""
    messages: list[CheckMessage] = []
    for index, (label, addresses) in enumerate(listeners):
        for earlier, taken in listeners[:index]:
            clash = next(
                (
                    (mine, theirs)
                    for mine in addresses
                    for theirs in taken
                    if addresses_overlap(mine, theirs)
                ),
                None,
            )
            if clash is None:
                continue
            messages.append(
                warning(
                    check_ids.SAME_ADDRESS,
                    f"{label} listens on {show_address(clash[0])}, and {earlier} "
                    f"on {show_address(clash[1])}: only one of them can bind it",
                    "Give each web process its own port in ARGS, e.g. "
                    '"bind": "0.0.0.0:8001" or "port": 8001 (0.0.0.0 takes the '
                    "port on every address).",
                )
            )
    return messages


def show_address(address: Address) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
