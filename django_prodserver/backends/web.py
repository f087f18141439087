"""The base class of web servers: where one listens, and how to probe it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ..config.addresses import Address, parse_bind, parse_port
from ..config.options import ArgValue, options_in_argv
from .copies import address_values, replaced_options, shifted
from .probes import DEFAULT_PATH, HttpProbe, Probe, connect_host
from .process import ProcessBackend
from .targets import allowed_host


class WebServerBackend(ProcessBackend):
    """A backend that serves HTTP: where it listens, and the ``PORT`` default.

    Its :meth:`target` is ``WSGI_APPLICATION`` (or ``APP``); an ASGI server
    declares ``asgi = True`` for ``ASGI_APPLICATION``. Where it listens is
    read from ARGS through these class attributes, for the ``PORT`` default and the
    ``prodserver.W003`` check (two web processes on one port):

    ``host_option``, ``port_option``
        The options that take the host and the port (``None`` if the program
        has none).
    ``bind_option``
        The option that takes ``HOST:PORT`` values (gunicorn's ``bind``,
        waitress's ``listen``), if the program has one.
    ``socket_options``
        Options that make it listen on something other than a TCP address (a
        Unix socket, an inherited descriptor): with one set, no address is known.
    ``default_address``
        Where it listens when no option says.
    ``asgi``
        Whether :meth:`target` is the ASGI application rather than the WSGI one.
    ``health_path``
        The path of the program's own health check (Flower's ``/healthcheck``),
        which its probe asks unless the entry's ``PROBE`` says otherwise; None
        for ``--probe-path``.
    """

    host_option: ClassVar[str | None] = "host"
    port_option: ClassVar[str | None] = "port"
    bind_option: ClassVar[str | None] = None
    socket_options: ClassVar[frozenset[str]] = frozenset({"uds", "fd"})
    default_address: ClassVar[Address] = ("127.0.0.1", 8000)
    asgi: ClassVar[bool] = False
    health_path: ClassVar[str | None] = None

    def target(self) -> str | None:
        return self.asgi_target() if self.asgi else self.wsgi_target()

    def address_options(self) -> frozenset[str]:
        """The options that choose where the server listens."""
        named = (self.host_option, self.port_option, self.bind_option)
        return frozenset(name for name in named if name) | self.socket_options

    def default_args(self) -> dict[str, ArgValue]:
        port = self.environ.get("PORT")
        if port and not (self.configured() & self.address_options()):
            return self.port_default(port)
        return {}

    def port_default(self, port: str) -> dict[str, ArgValue]:
        """Options that listen on every interface at ``port`` (Heroku's ``PORT``)."""
        if self.host_option and self.port_option:
            return {self.host_option: "0.0.0.0", self.port_option: port}
        if self.bind_option:
            return {self.bind_option: f"0.0.0.0:{port}"}
        return {self.port_option: port} if self.port_option else {}

    def listen_addresses(self, extra_args: Sequence[str] = ()) -> list[Address]:
        """The TCP addresses the server will listen on, from :meth:`option_values`
        (ARGS by canonical name, so aliases count, then :meth:`default_args` such
        as the ``PORT`` default), :attr:`default_address` for what is unset.
        Options given in ``extra_args`` (after ``--``) replace the configured
        ones, as on the command line.

        A list gives one address per item; a port that is not a number is left
        for the program to reject and gives no address.
        """
        values: dict[str, ArgValue] = dict(self.option_values())
        given = options_in_argv(self.option_rules, extra_args)
        for name in self.option_rules.replaced_by(given):
            values.pop(name, None)
        values.update(given)
        if values.keys() & self.socket_options:
            return []
        if self.bind_option and values.get(self.bind_option) is not None:
            return self.bind_addresses(values[self.bind_option])
        if not (self.host_option or self.port_option):
            return [self.default_address]
        default_host, default_port = self.default_address
        hosts = as_list(values.get(self.host_option or "", default_host))
        ports = as_list(values.get(self.port_option or "", default_port))
        return [
            (str(host), port)
            for host in hosts
            if isinstance(host, str)
            for port in map(parse_port, ports)
            if port is not None
        ]

    def copy_args(self, extra_args: list[str], index: int) -> list[str]:
        """Copy ``index`` listens on each port plus ``index - 1`` (a server
        without a TCP address, on a Unix socket, is left as it is)."""
        addresses = self.listen_addresses(extra_args)
        values = address_values(
            shifted(addresses, index - 1), self.bind_option, self.port_option
        )
        if index == 1 or not addresses or not values:
            return list(extra_args)
        return replaced_options(self.option_rules, extra_args, values)

    def probe(
        self, extra_args: list[str], http_path: str = DEFAULT_PATH
    ) -> Probe | None:
        """A GET of ``http_path`` at the first TCP address the server listens on
        (the loopback for every interface), with a ``Host`` header that
        ``ALLOWED_HOSTS`` accepts; None without a TCP address to ask."""
        addresses = [a for a in self.listen_addresses(extra_args) if a[1] != 0]
        if not addresses:
            return None
        host, port = addresses[0]
        return HttpProbe(connect_host(host), port, http_path, allowed_host())

    def bind_addresses(self, binds: ArgValue) -> list[Address]:
        """The TCP addresses of ``HOST:PORT`` values (``host``, ``[v6]:port``,
        ``tcp://`` too; several in one value if separated by spaces), leaving
        out ``unix:`` and ``fd://`` values."""
        port = self.default_address[1]
        # An empty value is every interface, as gunicorn reads it.
        words = (w for value in as_list(binds) for w in str(value).split() or [""])
        found = (parse_bind(word, port) for word in words)
        return [address for address in found if address is not None]


def as_list(value: ArgValue) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


class BindServerBackend(WebServerBackend):
    """A web server whose every address is a ``bind`` value (``HOST:PORT``;
    ``unix:`` and ``fd://`` binds are not TCP), as gunicorn's and hypercorn's are:
    ``PORT`` becomes ``bind=0.0.0.0:$PORT``."""

    bind_option = "bind"
    host_option = port_option = None
    socket_options: ClassVar[frozenset[str]] = frozenset()
