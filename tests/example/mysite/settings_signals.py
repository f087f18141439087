"""Settings with signal-echo processes: the spawn-mode tests run these."""

from .settings import *  # noqa: F403

ECHO = "mysite.backends.SignalEcho"

PRODUCTION_PROCESSES = {
    "echo": {"BACKEND": ECHO},
    "other": {"BACKEND": ECHO},
    "stubborn": {"BACKEND": ECHO, "ARGS": {"ignore": "SIGTERM"}},
    "slow_stop": {"BACKEND": ECHO, "ARGS": {"stop-delay": 1}},
    "reraise": {"BACKEND": ECHO, "ARGS": {"reraise": True}},
    "failing": {"BACKEND": ECHO, "ARGS": {"exit-code": 3}},
    "noisy": {"BACKEND": ECHO, "ARGS": {"noisy": True}},
    "chatty": {"BACKEND": ECHO, "ARGS": {"lines": 50000}},
    "forking": {"BACKEND": ECHO, "ARGS": {"fork-and-exit": True}},
    "twins": {"BACKEND": ECHO, "ARGS": {"twin": True}},
    "by_int": {"BACKEND": "mysite.backends.SignalEchoStoppedByInt"},
    "picky": {"BACKEND": "mysite.backends.PickySignalEcho"},
    "pool": {"BACKEND": "mysite.backends.SignalEchoPool", "ARGS": {"processes": 2}},
}
