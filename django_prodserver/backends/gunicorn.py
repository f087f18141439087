"""Gunicorn: ``gunicorn [options] mysite.wsgi:application``."""

from __future__ import annotations

import os

from ..config.options import ArgValue
from ..signals import FORWARDABLE
from . import programs
from .copies import replaced_options
from .declare import names, program_rules
from .web import BindServerBackend

FLAGS = names(
    """
    capture-output casefold-http-method check-config daemon
    disable-redirect-access-to-syslog do-handshake-on-connect enable-backlog-metric
    enable-stdio-inheritance initgroups log-syslog no-control-socket no-sendfile
    permit-obsolete-folding permit-unconventional-http-method
    permit-unconventional-http-version preload print-config reload reuse-port spew
    strip-header-spaces suppress-ragged-eofs
    """
)
VALUE_OPTIONS = names(
    """
    access-logfile access-logformat asgi-disconnect-grace-period asgi-lifespan
    asgi-loop backlog bind ca-certs cert-reqs certfile chdir ciphers config
    control-socket control-socket-mode dirty-app dirty-graceful-timeout
    dirty-threads dirty-timeout dirty-workers dogstatsd-tags env error-logfile
    forwarded-allow-ips forwarder-headers graceful-timeout group header-map
    http-parser http-protocols http2-cleartext http2-initial-window-size
    http2-max-concurrent-streams http2-max-frame-size http2-max-header-list-size
    keep-alive keyfile limit-request-field_size limit-request-fields
    limit-request-line log-config log-config-json log-file log-level
    log-syslog-facility log-syslog-prefix log-syslog-to logger-class max-requests
    max-requests-jitter name paste paste-global paster pid protocol proxy-allow-from
    proxy-protocol pythonpath reload-engine reload-extra-file root-path ssl-version
    statsd-host statsd-prefix threads timeout umask user uwsgi-allow-from
    websocket-max-message-size worker-class worker-connections worker-tmp-dir
    workers
    """
)
SHORT = {
    "b": "bind", "c": "config", "D": "daemon", "e": "env", "g": "group",
    "k": "worker-class", "m": "umask", "n": "name", "p": "pid",
    "R": "enable-stdio-inheritance", "t": "timeout", "u": "user", "w": "workers",
}  # fmt: skip

#: Gunicorn's configuration-file names (``accesslog``, ``loglevel``…), as the
#: published django-prodserver documented them, mapped to its command-line options.
CONFIG_NAMES = {
    "access-log-format": "access-logformat", "accesslog": "access-logfile",
    "dirty-apps": "dirty-app", "errorlog": "error-logfile",
    "keepalive": "keep-alive",
    "logconfig": "log-config", "logconfig-json": "log-config-json",
    "loglevel": "log-level", "pidfile": "pid", "preload-app": "preload",
    "proc-name": "name", "proxy-allow-ips": "proxy-allow-from", "raw-env": "env",
    "reload-extra-files": "reload-extra-file", "syslog": "log-syslog",
    "syslog-addr": "log-syslog-to", "syslog-facility": "log-syslog-facility",
    "syslog-prefix": "log-syslog-prefix", "uwsgi-allow-ips": "uwsgi-allow-from",
}  # fmt: skip

#: Gunicorn's default ``graceful-timeout``: how long its workers may take to
#: finish their requests once it is told to stop.
GRACEFUL_TIMEOUT = 30.0

#: The first gunicorn with a control socket at a per-user default path.
CONTROL_SOCKET_SINCE = (25, 1)


def gunicorn_version() -> tuple[int, ...]:
    """The installed gunicorn's version, from its metadata (no import)."""
    text = programs.installed_version("gunicorn") or ""
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


class GunicornServer(BindServerBackend):
    """Gunicorn, the WSGI server, serving ``WSGI_APPLICATION`` (or ``APP``).

    Each process gets its own ``--control-socket`` (gunicorn >= 25.1 otherwise
    puts every instance's socket at one per-user path), and binds ``0.0.0.0:$PORT``
    when ``PORT`` is set and ARGS choose no address.
    """

    program = module = extra = "gunicorn"
    option_rules = program_rules(
        flags=FLAGS, values=VALUE_OPTIONS, aliases=CONFIG_NAMES, short=SHORT
    )
    # USR2 makes gunicorn fork a new master and retire the old one: a launcher
    # that tracks the old PID would lose the server, so spawn mode drops it.
    accepted_signals = FORWARDABLE - {"SIGUSR2"}
    # The arbiter reaps with waitpid(-1): a good process 1 of a container.
    reaps_orphans = True
    graceful_option, graceful_default = "graceful-timeout", GRACEFUL_TIMEOUT

    def default_args(self) -> dict[str, ArgValue]:
        defaults = super().default_args()
        if self.needs_control_socket():
            defaults["control-socket"] = self.control_socket_path()
        return defaults

    def copy_args(self, extra_args: list[str], index: int) -> list[str]:
        """Copy ``index`` on its own port, with its own control socket."""
        own = super().copy_args(extra_args, index)
        if index == 1 or not self.needs_control_socket():
            return own
        path = self.control_socket_path().removesuffix(".ctl") + f".{index}.ctl"
        return replaced_options(self.option_rules, own, {"control-socket": path})

    def graceful_text(self, argv: list[str]) -> str | None:
        """``graceful-timeout`` from the command line, else ``GUNICORN_CMD_ARGS``
        (else gunicorn's default of 30 s, ``graceful_default``)."""
        value = super().graceful_text(argv)
        if value is None:
            value = self.option_in_variable("GUNICORN_CMD_ARGS", "graceful-timeout")
        return value

    def needs_control_socket(self) -> bool:
        chosen = self.configured() & {"control-socket", "no-control-socket"}
        return not chosen and gunicorn_version() >= CONTROL_SOCKET_SINCE

    def control_socket_path(self) -> str:
        """A path of this project's process, in the directory gunicorn would use."""
        runtime = self.environ.get("XDG_RUNTIME_DIR")
        directory = runtime or os.path.join(os.path.expanduser("~"), ".gunicorn")
        return os.path.join(directory, f"gunicorn-{self.project_key}-{self.name}.ctl")
