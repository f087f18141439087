"""uWSGI: ``uwsgi --master --module=mysite.wsgi:application …``.

The program is the ``uwsgi`` of the ``pyuwsgi`` wheel (uWSGI with its Python
plugin built in). What uWSGI 2.0 needs to behave as a web server that stops
gracefully, and what prodserver therefore adds unless ARGS set it:

- ``--master``: a master process that supervises the workers, handles the
  signals and reaps orphans (uWSGI is a good PID 1).
- ``--hook-master-start=unix_signal:15 gracefully_kill_them_all``: uWSGI's own
  SIGTERM is a "brutal reload" (workers killed with their requests, then the
  master re-executes itself). With this hook, SIGTERM is a graceful stop: the
  workers finish their requests, then uWSGI exits 0. This hook is always added.
- ``--binary-path=PYTHON``: the interpreter that runs ``uwsgi``. pyuwsgi's
  uWSGI re-executes itself on a reload (HUP) and finds the base interpreter
  rather than the virtualenv's, which cannot import ``pyuwsgi``: the reload
  would exit with status 1. (Not added for a compiled ``uwsgi`` program, from
  the ``uwsgi`` package, which re-executes itself.)
- ``--need-app``: exit when the application cannot be imported. Without it,
  uWSGI keeps running without an application and answers every request with
  a 500.
- ``--module=`` the WSGI application (``WSGI_APPLICATION`` or ``APP``), unless
  ARGS name the application another way.
- ``--http-socket=127.0.0.1:8000`` (``0.0.0.0:$PORT`` with ``PORT`` set) unless
  ARGS choose where it listens: uWSGI has no default address. Its workers then
  speak HTTP themselves; ``http`` instead starts a separate HTTP router process.

With a configuration file in ARGS (``ini``, ``yaml``, ``json``, ``xml``…) the
application and the address are left to the file; the rest is still added.

Signals, sent to the master (with the hook):

- TERM: graceful stop, exit 0. uWSGI sets no bound on it: it waits for every
  running request, however long (``harakiri`` bounds each request). A second
  TERM changes nothing. uWSGI runs its master-start hooks just after its
  workers have started: a TERM in that moment after a start or a reload is
  still the brutal reload.
- INT and QUIT: immediate stop, requests in flight dropped, exit 0.
- HUP: graceful reload (new workers, same master).
- USR1: prints statistics.
- USR2 kills the master and orphans its workers; TTIN/TTOU freeze it. Never
  forwarded.
- A TERM sent to the whole process group reaches the workers directly and
  drops their requests: it must reach the master only, as exec mode gives by
  construction and spawn mode does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ..config.addresses import Address, parse_host_port
from ..config.options import ArgValue, options_in_argv
from . import programs, uwsgi_options
from .base import WebServerBackend, as_list
from .declare import program_rules

#: What makes SIGTERM (signal 15) a graceful stop instead of a brutal reload.
GRACEFUL_TERM_HOOK = "unix_signal:15 gracefully_kill_them_all"

#: Options that make uWSGI listen (HTTP, its own protocol, FastCGI…).
LISTEN_OPTIONS = frozenset(
    {
        "http-socket", "http11-socket", "http", "socket", "uwsgi-socket",
        "puwsgi-socket", "fastcgi-socket", "fastcgi-nph-socket", "scgi-socket",
        "scgi-nph-socket", "raw-socket", "shared-socket",
        "undeferred-shared-socket",
    }
)  # fmt: skip
#: Options that name the application to load.
APP_OPTIONS = frozenset(
    {"module", "wsgi", "wsgi-file", "file", "mount", "paste", "eval"}
)
#: Options that load a configuration file (which may set the application and
#: the address).
CONFIG_FILE_OPTIONS = frozenset(
    {
        "ini", "yaml", "yml", "json", "js", "xml", "xmlconfig", "config",
        "inherit", "ini-paste", "ini-paste-logged",
    }
)  # fmt: skip


def is_tcp(value: str) -> bool:
    """Whether a socket value is a TCP address rather than a Unix socket path
    (``/run/app.sock``, ``./app.sock``), an abstract one (``@name``) or an
    inherited one (``=0`` for ``shared-socket`` number 0)."""
    return not value.startswith(("/", ".", "@", "=")) and "/" not in value


def is_compiled(program: str) -> bool:
    """Whether ``program`` is a compiled uWSGI (the ``uwsgi`` package's) rather
    than pyuwsgi's Python script, which starts with ``#!``."""
    try:
        with open(program, "rb") as file:
            return not file.read(2).startswith(b"#!")
    except OSError:  # not found here: a dry run elsewhere
        return False


class UWSGIServer(WebServerBackend):
    """uWSGI serving ``WSGI_APPLICATION`` (or ``APP``), stopped gracefully by
    SIGTERM (see the module's documentation for what is added and why)."""

    program = "uwsgi"
    module = "pyuwsgi"
    extra = "uwsgi"
    option_rules = program_rules(
        flags=uwsgi_options.FLAGS,
        values=uwsgi_options.OPTIONAL_VALUE_OPTIONS | uwsgi_options.VALUE_OPTIONS,
        short=uwsgi_options.SHORT,
    )
    # TERM (with the hook) stops it gracefully, INT and QUIT at once; HUP reloads
    # it, USR1 prints statistics. USR2 kills the master and orphans its workers,
    # TTIN/TTOU freeze it.
    accepted_signals = frozenset({"SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1"})
    # The master reaps every child that exits: a good process 1 of a container.
    reaps_orphans = True
    bind_option = "http-socket"
    host_option = port_option = None
    socket_options: ClassVar[frozenset[str]] = frozenset()
    # A stop takes ``harakiri`` (the longest a request may run) plus the margin;
    # without it uWSGI waits for every request, and so does prodserver.
    graceful_option = "harakiri"

    def target(self) -> None:
        return None  # the application is an option, --module

    def address_options(self) -> frozenset[str]:
        return LISTEN_OPTIONS | CONFIG_FILE_OPTIONS

    def port_default(self, port: str) -> dict[str, ArgValue]:
        return {"http-socket": f"0.0.0.0:{port}"}

    def default_args(self) -> dict[str, ArgValue]:
        configured = self.configured()
        from_file = bool(configured & CONFIG_FILE_OPTIONS)
        defaults: dict[str, ArgValue] = {"master": True}
        if not (from_file or configured & APP_OPTIONS):
            defaults["module"] = self.wsgi_target()
        defaults.update(super().default_args())  # the PORT default
        if not (from_file or configured & LISTEN_OPTIONS):
            defaults.setdefault("http-socket", "{}:{}".format(*self.default_address))
        defaults["need-app"] = True
        if not is_compiled(self.program_argv()[0]):
            defaults["binary-path"] = programs.python()
        return defaults

    def build_argv(self, options: list[str]) -> list[str]:
        # Hooks add up, and run in order: this one is added whatever ARGS say,
        # first, so that the master-start hooks of ARGS run once it is in place.
        hook = f"--hook-master-start={GRACEFUL_TERM_HOOK}"
        program, *rest = super().build_argv(options)
        return [program, hook, *rest]

    def program_argv(self) -> list[str]:
        # pyuwsgi is an extension module: ``python -m pyuwsgi`` cannot run it,
        # so without its script the bare name is the best guess.
        return [programs.find_script("uwsgi") or "uwsgi"]

    @classmethod
    def is_installed(cls) -> bool:
        """pyuwsgi, or the compiled ``uwsgi`` of the ``uwsgi`` package."""
        return super().is_installed() or programs.find_script("uwsgi") is not None

    def listen_addresses(self, extra_args: Sequence[str] = ()) -> list[Address]:
        """The TCP addresses of every listening option (``:8000`` is every
        interface; Unix and abstract sockets are not TCP), those given after
        ``--`` included."""
        values: dict[str, ArgValue] = dict(self.option_values())
        values.update(options_in_argv(self.option_rules, extra_args))
        if values.keys() & CONFIG_FILE_OPTIONS:
            return []
        addresses = []
        for name in sorted(LISTEN_OPTIONS & values.keys()):
            for value in as_list(values[name]):
                text = str(value)
                if is_tcp(text):
                    found = parse_host_port(text, self.default_address[1])
                    addresses += [(found[0] or "0.0.0.0", found[1])] if found else []
        return addresses
