"""A custom backend of the example project, as users write them.

``StatusProbe`` runs ``cat /proc/self/status``: the tests read from it which PID
the program got and which signals it inherited as ignored.
"""

import sys

from django_prodserver.backends.base import ProcessBackend, WorkerBackend


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
