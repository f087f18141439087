"""A custom backend of the example project, as users write them.

``StatusProbe`` runs ``cat /proc/self/status``: the tests read from it which PID
the program got and which signals it inherited as ignored. The ``SignalEcho``
family runs :mod:`mysite.signal_echo` for the spawn-mode tests, ``Flood``
:mod:`mysite.flood` for the output benchmark; ``ReleaseScript``
is a one-shot program.
"""

import sys

from django.core.checks import CheckMessage

from django_prodserver.backends import (
    ArgValue,
    ProcessBackend,
    WebServerBackend,
    WorkerBackend,
    program_rules,
)
from django_prodserver.signals import FORWARDABLE


class StatusProbe(ProcessBackend):
    program = "cat"

    def build_argv(self, options: list[str]) -> list[str]:
        return ["cat", *options, "/proc/self/status"]


class Missing(ProcessBackend):
    program = "prodserver-test-no-such-program"

    def build_argv(self, options: list[str]) -> list[str]:
        return [self.program or "", *options]


class AppProbe(WorkerBackend):
    """A worker that needs ``APP``, as Celery's backends do: it prints the target."""

    requires_app = True

    def build_argv(self, options: list[str]) -> list[str]:
        code = "import sys; print(sys.argv[-1])"
        return [sys.executable, "-c", code, *options, self.app_target()]


class SignalEcho(ProcessBackend):
    """``python -m mysite.signal_echo``: prints each signal it gets (spawn tests)."""

    module = "mysite"

    def build_argv(self, options: list[str]) -> list[str]:
        return [sys.executable, "-m", "mysite.signal_echo", *options]


class Flood(ProcessBackend):
    """``python -m mysite.flood``: numbered lines, fast (the output benchmark)."""

    module = "mysite"

    def build_argv(self, options: list[str]) -> list[str]:
        return [sys.executable, "-m", "mysite.flood", *options]


class SignalEchoStoppedByInt(SignalEcho):
    """Stopped by SIGINT, as waitress is: TERM to the launcher must become INT."""

    stop_signal = "SIGINT"

    def default_args(self) -> dict[str, ArgValue]:
        return {"stop-on": "SIGINT"}


class PickySignalEcho(SignalEcho):
    """Takes fewer signals, as gunicorn refuses USR2 in spawn mode."""

    accepted_signals = FORWARDABLE - {"SIGHUP", "SIGUSR2"}


class SignalEchoPool(SignalEcho):
    """``processes: N`` runs N copies, as the django-tasks worker does."""

    own_args = frozenset({"processes"})

    def commands(self, extra_args: list[str]) -> list[list[str]]:
        count = int(self.config.args.get("processes", 1) or 1)
        return [self.build_argv(self.options(extra_args)) for _ in range(count)]


RELEASE_SCRIPT = """
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(print("release script stopped")))
print("release script ran", flush=True)
time.sleep(float(sys.argv[2]))
sys.exit(int(sys.argv[1]))
"""


class ReleaseScript(ProcessBackend):
    """A one-shot program, as a release script of one's own would be: it prints,
    sleeps ``ARGS["sleep"]`` seconds, then exits with ``ARGS["exit"]`` (0 by
    default); SIGTERM ends it with 0."""

    oneshot = True

    def commands(self, extra_args: list[str]) -> list[list[str]]:
        args = self.config.args
        status, sleep = str(args.get("exit", 0)), str(args.get("sleep", 0))
        return [[sys.executable, "-c", RELEASE_SCRIPT, status, sleep]]


# The backends that "Writing a backend" in the documentation shows, word for word.
class DaphneServer(WebServerBackend):
    """Daphne, the Channels server: ``daphne [options] mysite.asgi:application``."""

    program = module = "daphne"  # its console script, and the module to look for
    asgi = True  # it serves ASGI_APPLICATION
    host_option = "bind"  # daphne takes the host as --bind, the port as --port
    socket_options = frozenset({"unix-socket", "fd", "endpoint"})
    option_rules = program_rules(  # as ``daphne --help`` lists them
        flags="proxy-headers no-server-name",
        values="""access-log application-close-timeout bind endpoint fd http-timeout
            log-fmt ping-interval ping-timeout port proxy-headers-host
            proxy-headers-port root-path server-name unix-socket verbosity
            websocket_connect_timeout websocket_timeout""",
        short="b=bind p=port u=unix-socket e=endpoint",
    )


class CheckedDaphneServer(DaphneServer):
    """The same, with a check of its own (``manage.py check`` runs it)."""

    def check_config(self) -> list[CheckMessage]:
        messages = super().check_config()
        values = self.option_values()
        interval, timeout = values.get("ping-interval"), values.get("ping-timeout")
        numbers = str(interval).isdigit() and str(timeout).isdigit()
        if numbers and int(str(timeout)) <= int(str(interval)):
            messages.append(
                self.warning(
                    "mysite.W001",
                    "ping-timeout is not longer than ping-interval: idle "
                    "websockets are closed before their next ping",
                    "Make ping-timeout longer than ping-interval.",
                )
            )
        return messages


class ArgvEcho(WorkerBackend):
    """A program that prints what it got, its arguments and its environment
    (``ascii()`` of both): the shell line's property test runs it."""

    def build_argv(self, options: list[str]) -> list[str]:
        code = "import os, sys; print(ascii((sys.argv[1:], dict(os.environ))))"
        return [sys.executable, "-c", code, *options]
