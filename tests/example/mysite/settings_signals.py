"""Settings with signal-echo processes: the spawn-mode tests run these."""

from .settings import *  # noqa: F403

ECHO = "mysite.backends.SignalEcho"

PRODUCTION_PROCESSES = {
    "echo": {"BACKEND": ECHO},
    "other": {"BACKEND": ECHO},
    "stubborn": {"BACKEND": ECHO, "ARGS": {"ignore": "SIGTERM"}},
    "stubborn_quick": {
        "BACKEND": ECHO,
        "STOP_TIMEOUT": 1,
        "ARGS": {"ignore": "SIGTERM"},
    },
    "slow_stop": {"BACKEND": ECHO, "ARGS": {"stop-delay": 1}},
    "reraise": {"BACKEND": ECHO, "ARGS": {"reraise": True}},
    "failing": {"BACKEND": ECHO, "ARGS": {"exit-code": 3}},
    "noisy": {"BACKEND": ECHO, "ARGS": {"noisy": True}},
    "chatty": {"BACKEND": ECHO, "ARGS": {"lines": 50000}},
    # Write until stopped (the second one only by SIGKILL).
    "spew": {"BACKEND": ECHO, "ARGS": {"lines": 10**12}},
    "spew_stubborn": {"BACKEND": ECHO, "ARGS": {"lines": 10**12, "ignore": "SIGTERM"}},
    "forking": {"BACKEND": ECHO, "ARGS": {"fork-and-exit": True}},
    "twins": {"BACKEND": ECHO, "ARGS": {"twin": True}},
    "by_int": {"BACKEND": "mysite.backends.SignalEchoStoppedByInt"},
    "picky": {"BACKEND": "mysite.backends.PickySignalEcho"},
    "pool": {"BACKEND": "mysite.backends.SignalEchoPool", "ARGS": {"processes": 2}},
    # Fails its first two runs (counted in the file given as --counter=PATH).
    "flaky": {"BACKEND": ECHO, "RESTART": "on-failure", "ARGS": {"fail-first": 2}},
    # A web server beside them (its address after --).
    "web": {"BACKEND": "django_prodserver.backends.gunicorn.GunicornServer"},
}
