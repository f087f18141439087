"""A custom backend of the example project, as users write them.

``StatusProbe`` runs ``cat /proc/self/status``: the tests read from it which PID
the program got and which signals it inherited as ignored. The ``SignalEcho``
family runs :mod:`mysite.signal_echo` for the spawn-mode tests.
"""

import sys

from django.core.checks import CheckMessage, Warning

from django_prodserver.addresses import Address
from django_prodserver.backends.base import (
    ProcessBackend,
    ProcessConfig,
    WebServerBackend,
    WorkerBackend,
)
from django_prodserver.options import ArgValue, OptionRules
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

    def commands(self, extra: list[str]) -> list[list[str]]:
        count = int(self.config.args.get("processes", 1) or 1)
        return [self.build_argv(self.options(extra)) for _ in range(count)]


# The backend that "Writing a backend" in the documentation shows, word for word.
class HypercornServer(WebServerBackend):
    """Hypercorn, an ASGI server: ``hypercorn [options] mysite.asgi:application``."""

    program = "hypercorn"  # the console script, found next to the running Python
    module = "hypercorn"  # tells whether it is installed; `python -m` fallback
    option_rules = OptionRules(
        flags=frozenset({"debug", "reload", "daemon"}),
        short={"b": "bind", "w": "workers", "k": "worker-class"},
        known=frozenset(
            {"access-logfile", "bind", "certfile", "debug", "error-logfile"}
            | {"graceful-timeout", "keep-alive", "keyfile", "log-level"}
            | {"max-requests", "read-timeout", "reload", "root-path"}
            | {"worker-class", "workers"}
        ),
    )
    bind_options = frozenset({"bind"})  # what counts as "an address is configured"

    def port_default(self, port: str) -> dict[str, ArgValue]:
        return {"bind": f"0.0.0.0:{port}"}

    def listen_addresses(self) -> list[Address]:  # for the prodserver.W003 check
        return self.bind_addresses("bind")

    @classmethod
    def install_hint(cls) -> str:
        return "hypercorn is not installed: pip install hypercorn"

    @classmethod
    def check_config(cls, config: ProcessConfig) -> list[CheckMessage]:
        messages = super().check_config(config)
        workers = config.args.get("workers", config.args.get("w", 1))
        if str(workers).isdigit() and int(workers) > 1:
            messages.append(
                Warning(
                    f"{config.label}: Hypercorn with several workers drops the "
                    "requests in flight when it is stopped",
                    hint="Run one worker per process and scale processes instead.",
                    obj="PRODUCTION_PROCESSES",
                    id="mysite.W001",
                )
            )
        return messages

    def build_argv(self, options: list[str]) -> list[str]:
        return [*self.program_argv(), *options, self.asgi_target()]
