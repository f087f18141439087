"""A custom backend of the example project, as users write them.

``StatusProbe`` runs ``cat /proc/self/status``: the tests read from it which PID
the program got and which signals it inherited as ignored. The ``SignalEcho``
family runs :mod:`mysite.signal_echo` for the spawn-mode tests.
"""

import sys

from django_prodserver.backends.base import ProcessBackend, WorkerBackend
from django_prodserver.options import ArgValue
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
