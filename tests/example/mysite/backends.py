"""A custom backend of the example project, as users write them.

``StatusProbe`` runs ``cat /proc/self/status``: the tests read from it which PID
the program got and which signals it inherited as ignored.
"""

from django_prodserver.backends.base import ProcessBackend


class StatusProbe(ProcessBackend):
    program = "cat"

    def build_argv(self, options: list[str]) -> list[str]:
        return ["cat", *options, "/proc/self/status"]


class Missing(ProcessBackend):
    program = "prodserver-test-no-such-program"

    def build_argv(self, options: list[str]) -> list[str]:
        return [self.program or "", *options]
