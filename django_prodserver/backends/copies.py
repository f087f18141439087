"""Copies of one process (``REPLICAS``, ``--scale NAME=N``): what sets copy i apart.

Copies run side by side from one entry, so each must differ where two would
collide: copy i of a web server listens on each of its ports plus i - 1, and
copy i of a Celery worker has its own node name. A backend says how in
:meth:`~django_prodserver.backends.process.ProcessBackend.copy_args`, which
returns the arguments after ``--`` that copy i runs with.

An exported copy (a systemd template instance, a supervisord process of
``numprocs``) learns its number from :data:`COPY_VARIABLE`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .. import check_ids
from ..config.addresses import Address
from ..config.argv_options import word_groups
from ..config.option_rules import OptionRules
from ..config.options import ArgValue, translate
from ..exceptions import ConfigurationError

if TYPE_CHECKING:
    from .process import ProcessBackend

#: The variable that tells a process which copy it is (1, 2, …).
COPY_VARIABLE = "PRODSERVER_COPY"


def runs_once(backend: ProcessBackend) -> bool:
    """Whether no second copy of the process may ever run (Celery beat, a
    release step, a backend that says ``single_instance``)."""
    return backend.single_instance or backend.oneshot


def copy_number(environ: Mapping[str, str]) -> int | None:
    """The copy :data:`COPY_VARIABLE` names; None when it is unset or empty."""
    text = environ.get(COPY_VARIABLE, "")
    if not text:
        return None
    if text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    raise ConfigurationError(
        f"{COPY_VARIABLE}={text!r} is not the number of a copy",
        f"Set {COPY_VARIABLE} to 1, 2, … (the copy this process is), or unset it.",
        check_ids.BAD_REPLICAS,
        returncode=2,
    )


def replaced_options(
    rules: OptionRules, extra_args: Sequence[str], values: Mapping[str, ArgValue]
) -> list[str]:
    """``extra_args`` without the options that ``values`` replace, then
    ``values`` as command-line words (which replace ARGS as well)."""
    gone = rules.replaced_by(values)
    kept = [
        word
        for group in word_groups(rules, extra_args)
        if group.name not in gone
        for word in group.tokens
    ]
    added = [word for group in translate(rules, values) for word in group.tokens]
    return [*kept, *added]


def shifted(addresses: Sequence[Address], offset: int) -> list[Address]:
    """Each address on its port plus ``offset`` (port 0, any free port, stays)."""
    return [(host, port + offset if port else 0) for host, port in addresses]


def bind_value(address: Address) -> str:
    """``host:port``, ``[v6]:port`` for an IPv6 address."""
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def one_or_list(values: list[str]) -> ArgValue:
    return values[0] if len(values) == 1 else values


def address_values(
    addresses: Sequence[Address], bind_option: str | None, port_option: str | None
) -> dict[str, ArgValue]:
    """The options that listen on ``addresses``: ``bind``-style values, else
    the ports (the hosts stay as configured); none if the server has neither."""
    if bind_option:
        return {bind_option: one_or_list([bind_value(a) for a in addresses])}
    if port_option:
        ports = list(dict.fromkeys(str(port) for _, port in addresses))
        return {port_option: one_or_list(ports)}
    return {}


def node_name_of_copy(hostname: str | None, name: str, index: int) -> str:
    """A Celery node name for copy ``index``: ``NAME.i@HOST`` of the worker's
    ``--hostname`` (``NAME@%h`` when it has none; a value without ``@`` is a
    host, the node keeps the process's name)."""
    node, at, host = (hostname or f"{name}@%h").partition("@")
    if not at:
        node, host = name, node
    return f"{node or name}.{index}@{host or '%h'}"
