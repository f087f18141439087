"""Hostile settings, command lines and faults, as an attacker or a careless
user writes them: every case ends with its exit status and one line naming the
problem (a check id or the error), never a traceback, never a secret, and
every line ``--dry-run`` prints is one command.

The cases run the console script's ``main()`` in this process, with the
settings overridden; only what needs a process of its own (a full or closed
output, a full disk, signals) starts one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from django_prodserver import check_ids
from django_prodserver.backends import ProcessBackend, WebServerBackend, WorkerBackend
from django_prodserver.backends.probes import CommandProbe, HttpProbe
from django_prodserver.command import console
from django_prodserver.launch import executor
from tests.processes import (
    EXAMPLE_DIR,
    case_settings_env,
    console_script,
    launch,
    setting_of,
    wait_until,
)

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
UVICORN = "django_prodserver.backends.uvicorn.UvicornServer"
DRAMATIQ = "django_prodserver.backends.dramatiq.DramatiqWorker"
RQ = "django_prodserver.backends.rq.RQWorker"
CELERY = "django_prodserver.backends.celery.CeleryWorker"
FLOWER = "django_prodserver.backends.celery.CeleryFlower"
RELEASE = "django_prodserver.backends.release.Release"
ECHO = "mysite.backends.SignalEcho"
HERE = __name__
#: The one warning a container export may print before its error.
LOOPBACK = "prodserver.W014"
#: What no output may show: every password and token of the cases.
SECRETS = ("hunter2", "s3cr3t", "tok-9f8e", "p@ss/w0rd")
#: What a line that starts a second command holds, unquoted.
CONTROL = ["\n", "\r", "\x1b[2J", "\x00", "\x85", "\u2028", "\u2029", "\x7f", "\x0b"]


# -- custom backends that misbehave ------------------------------------------


class Junk:
    """A value no caller expects."""

    def __repr__(self) -> str:
        return "<junk>"


class ProbeRaises(WorkerBackend):
    program = "true"

    def build_argv(self, options: list[str]) -> list[str]:
        return ["true", *options]

    def probe(self, extra_args: list[str], http_path: str = "/") -> Any:
        raise RuntimeError("probe blew up")


def probe_returning(value: object) -> type[ProcessBackend]:
    """A backend whose ``probe()`` returns ``value``."""

    class ProbeReturns(ProbeRaises):
        def probe(self, extra_args: list[str], http_path: str = "/") -> Any:
            return value

    return ProbeReturns


ProbeJunk = probe_returning(Junk())
ProbeNumber = probe_returning(42)
ProbeText = probe_returning("http://x/")
ProbeBadPort = probe_returning(HttpProbe("127.0.0.1", 70000))
ProbeBadHost = probe_returning(HttpProbe(1, 80))  # type: ignore[arg-type]
ProbeNoArgv = probe_returning(CommandProbe((), "nothing"))
ProbeBadArgv = probe_returning(CommandProbe((1, 2), "numbers"))  # type: ignore[arg-type]


class ArgvRaises(ProbeRaises):
    def build_argv(self, options: list[str]) -> list[str]:
        raise KeyError("argv blew up")


def argv_returning(value: object) -> type[ProcessBackend]:
    class ArgvReturns(ProbeRaises):
        def build_argv(self, options: list[str]) -> Any:
            return value

    return ArgvReturns


ArgvNone = argv_returning(None)
ArgvNumbers = argv_returning([1, 2])
ArgvText = argv_returning("true --x")
ArgvEmpty = argv_returning([])
ArgvJunk = argv_returning([Junk()])


class CheckRaises(ProbeRaises):
    def check_config(self) -> Any:
        raise ValueError("check blew up " + "x" * 5000)


class CheckJunk(ProbeRaises):
    def check_config(self) -> Any:
        return [Junk()]


class CheckExits(ProbeRaises):
    def check_config(self) -> Any:
        raise SystemExit(3)


class AddressRaises(WebServerBackend):
    program = "true"

    def build_argv(self, options: list[str]) -> list[str]:
        return ["true", *options]

    def listen_addresses(self, extra_args: Sequence[str] = ()) -> Any:
        raise OSError("address blew up")


class BrokerRaises(ProbeRaises):
    def broker_url(self) -> Any:
        raise ZeroDivisionError("broker blew up")


class BrokerJunk(ProbeRaises):
    def broker_url(self) -> Any:
        return Junk()


# -- the cases ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile command line: what it runs with, how it ends, what it says."""

    argv: tuple[str, ...]
    processes: Mapping[str, object]
    code: int
    #: What the error line holds (a check id, or the error's words); "" when
    #: the command succeeds.
    says: str = ""
    #: What standard output holds (a success).
    shows: str = ""


def web(**keys: object) -> dict[str, object]:
    return {"web": {"BACKEND": GUNICORN, **keys}}


def entry(backend: str, **keys: object) -> dict[str, object]:
    return {"web": {"BACKEND": backend, **keys}}


DRY = ("web", "--dry-run")
JSON = ("web", "--dry-run", "--format=json")
E = check_ids


def cases_injection() -> dict[str, Case]:
    """Class 1: no value ends a printed line or starts a second command."""
    found: dict[str, Case] = {}
    for index, char in enumerate(CONTROL):
        value = f"x{char}touch /tmp/pwned"
        ctrl = E.CONTROL_CHARACTER
        # A NUL is what the keys' own checks refuse first.
        nul = char == "\x00"
        found |= {
            f"wait-for-{index}": Case(
                DRY, web(WAIT_FOR=[f"tcp://db:5432{char}id"]), 1, ctrl
            ),
            f"before-{index}": Case(
                DRY, web(BEFORE=[f"note a{char}id"]), 1, E.BAD_BEFORE if nul else ctrl
            ),
            f"env-value-{index}": Case(
                DRY, web(ENV={"A": value}), 1, E.BAD_ENV if nul else ctrl
            ),
            f"args-{index}": Case(
                DRY, web(ARGS={"bind": value}), 1, E.BAD_OPTION_VALUE if nul else ctrl
            ),
            f"app-{index}": Case(
                DRY, web(APP=f"mysite.wsgi{char}:application"), 1, ctrl
            ),
        }
    found |= {
        "env-key-newline": Case(DRY, web(ENV={"A\nB": "1"}), 1, E.CONTROL_CHARACTER),
        "args-key-newline": Case(DRY, web(ARGS={"x\nid": 1}), 1, E.CONTROL_CHARACTER),
        "args-list-item": Case(
            DRY, web(ARGS={"bind": ["a:1", "b:2\nid"]}), 1, E.CONTROL_CHARACTER
        ),
        "before-list-word": Case(
            DRY, web(BEFORE=[["note", "a\nid"]]), 1, E.CONTROL_CHARACTER
        ),
        "name-newline": Case(("web\nid", "--dry-run"), web(), 2, E.CONTROL_CHARACTER),
        "extra-arg-newline": Case(
            (*DRY, "--", "--workers=2\nid"), web(), 2, E.CONTROL_CHARACTER
        ),
        "setting-name-newline": Case(
            ("--list",),
            {"a\nb": {"BACKEND": GUNICORN}},
            0,
            shows="a\\nb  prodserver.E002",
        ),
        # Accepted values that a shell would run, were they not quoted.
        "env-substitution": Case(
            DRY, web(ENV={"A": "$(id)`id`;id|id&"}), 0, shows="A="
        ),
        "args-semicolon": Case(
            DRY, web(ARGS={"worker-tmp-dir": "/tmp;id"}), 0, shows="gunicorn"
        ),
        "args-quotes": Case(
            DRY, web(ARGS={"worker-tmp-dir": '/tmp/it\'s "x"'}), 0, shows="gunicorn"
        ),
        "args-hash": Case(
            DRY, web(ARGS={"worker-tmp-dir": "/tmp/#x"}), 0, shows="gunicorn"
        ),
        "args-tab": Case(
            DRY, web(ARGS={"worker-tmp-dir": "/tmp/a\tb"}), 0, shows="gunicorn"
        ),
        "app-quotes": Case(DRY, web(APP="mysite.wsgi:app';id;'"), 0, shows="gunicorn"),
        "before-quote": Case(
            DRY, web(BEFORE=['note "it\'s; id"']), 0, shows="# web: then runs"
        ),
        "before-backticks": Case(
            DRY, web(BEFORE=[["note", "`id` $(id) && id"]]), 0, shows="# web: then runs"
        ),
        "before-hash": Case(
            DRY, web(BEFORE=[["note", "#", "x"]]), 0, shows="# web: then runs"
        ),
        "wait-for-quote": Case(
            DRY, web(WAIT_FOR=["http://db:80/it's;id"]), 0, shows="# web: waits"
        ),
        "wait-for-double-quote": Case(
            DRY, web(WAIT_FOR=['http://db:80/"$(id)']), 0, shows="# web: waits"
        ),
        "wait-for-backslash": Case(
            DRY, web(WAIT_FOR=["http://db:80/a\\"]), 0, shows="# web: waits"
        ),
        "wait-for-unicode": Case(
            DRY, web(WAIT_FOR=["http://dé:80/ü"]), 0, shows="# web: waits"
        ),
        "extra-args-substitution": Case(
            (*DRY, "--", "--worker-tmp-dir=$(id)"), web(), 0, shows="gunicorn"
        ),
        "json-quotes": Case(JSON, web(ENV={"A": "\"'\\"}), 0, shows='"A"'),
        "list-substitution": Case(("--list",), web(ENV={"A": "$(id)"}), 0, shows="web"),
    }
    return found


def cases_secrets() -> dict[str, Case]:
    """Class 2: no password, token or secret is shown."""
    urls = [
        "postgres://app:hunter2@db:5432/app",
        "redis://:hunter2@cache:6379/0",
        "rediss://user:hunter2@cache/1",
        "amqp://guest:hunter2@rabbit:5672//",
        "http://admin:hunter2@search:9200/",
        "postgres://app:p@ss/w0rd@db/app",
    ]
    bad_urls = [
        "redis://u:hunter2@[cache:6379/0",
        "redis://u:hunter2@cache:abc/0",
        "postgres://u:hunter2@db:99999/x",
        "tcp://u:hunter2@",
        "gopher://u:hunter2@x",
    ]
    found: dict[str, Case] = {}
    for index, url in enumerate(urls):
        found |= {
            f"wait-for-url-{index}": Case(DRY, web(WAIT_FOR=[url]), 0, shows="***"),
            f"wait-for-url-json-{index}": Case(
                JSON, web(WAIT_FOR=[url]), 0, shows="***"
            ),
            f"wait-for-url-list-{index}": Case(
                ("--list",), web(WAIT_FOR=[url]), 0, shows="***"
            ),
        }
    for index, url in enumerate(bad_urls):
        found |= {
            f"bad-url-dry-{index}": Case(
                DRY, web(WAIT_FOR=[url]), 1, E.UNKNOWN_WAIT_TARGET
            ),
            f"bad-url-list-{index}": Case(
                ("--list",), web(WAIT_FOR=[url]), 0, shows=E.UNKNOWN_WAIT_TARGET
            ),
            f"bad-url-export-{index}": Case(
                ("--export=compose",), web(WAIT_FOR=[url]), 0, shows="is left out"
            ),
        }
    flower = {"BACKEND": FLOWER, "APP": "mysite.celery.app"}
    found |= {
        "flower-basic-auth-list": Case(
            DRY,
            {"web": {**flower, "ARGS": {"basic_auth": ["admin:hunter2"]}}},
            0,
            shows="***",
        ),
        "flower-basic-auth-text": Case(
            JSON,
            {"web": {**flower, "ARGS": {"basic-auth": "admin:hunter2"}}},
            0,
            shows="***",
        ),
        "flower-broker-url": Case(
            DRY,
            {
                "web": {
                    **flower,
                    "ARGS": {"broker-api": "http://u:hunter2@rabbit:15672/api/"},
                }
            },
            0,
            shows="***",
        ),
        "args-password-option": Case(
            DRY,
            entry(CELERY, APP="mysite.celery.app", ARGS={"redis-password": "hunter2"}),
            0,
            shows="***",
        ),
        "args-token-option": Case(
            JSON,
            entry(CELERY, APP="mysite.celery.app", ARGS={"api_token": "tok-9f8e"}),
            0,
            shows="***",
        ),
        "env-password": Case(
            DRY, web(ENV={"DB_PASSWORD": "hunter2"}), 0, shows="DB_PASSWORD="
        ),
        "env-secret-key": Case(
            JSON, web(ENV={"SECRET_KEY": "s3cr3t"}), 0, shows="SECRET_KEY"
        ),
        "env-api-token": Case(
            ("--list",), web(ENV={"API_TOKEN": "tok-9f8e"}), 0, shows="API_TOKEN="
        ),
        "env-url": Case(
            DRY, web(ENV={"DATABASE_URL": "postgres://a:hunter2@db/x"}), 0, shows="***"
        ),
        "extra-args-broker": Case(
            ("web", "--dry-run", "--", "--worker-tmp-dir=redis://:hunter2@h"),
            web(),
            0,
            shows="***",
        ),
        "extra-args-password-word": Case(
            (*DRY, "--", "--password", "hunter2"), web(), 0, shows="***"
        ),
        "export-secret-extra-arg": Case(
            ("--export=systemd", "web", "--", "--password=hunter2"),
            web(),
            1,
            E.EXPORT_REFUSED,
        ),
        "export-secret-url-extra-arg": Case(
            ("--export=kubernetes", "web", "--", "--x=redis://:hunter2@h"),
            web(),
            1,
            E.EXPORT_REFUSED,
        ),
        "export-all-secret-extra-arg": Case(
            ("--export=compose", "--", "--basic-auth=u:hunter2"),
            web(),
            1,
            E.EXPORT_REFUSED,
        ),
        "before-password-step": Case(
            DRY, web(BEFORE=[["note", "--password=hunter2"]]), 0, shows="***"
        ),
        "backend-url-in-name": Case(
            DRY,
            {"web": {"BACKEND": "redis://u:hunter2@h"}},
            1,
            E.BACKEND_NOT_IMPORTABLE,
        ),
        "unknown-process-url": Case(
            ("redis://u:hunter2@h", "--dry-run"), web(), 1, "not found"
        ),
    }
    return found


def cases_nested() -> dict[str, Case]:
    """Class 3: no launch from inside a launch."""
    steps = [
        "prodserver web",
        ["prodserver", "web"],
        "prodserver --all",
        "manage.py prodserver web",
        "./manage.py prodserver web",
        "python manage.py prodserver web",
        "python3.11 /srv/app/manage.py prodserver web --spawn",
        "python -m django_prodserver web",
        "/usr/bin/python3 -m django_prodserver web",
        "django-admin prodserver web",
        ["worker"],
        "server web",
    ]
    found = {
        f"before-{index}": Case(DRY, web(BEFORE=[step]), 1, E.NESTED_LAUNCH)
        for index, step in enumerate(steps)
    }
    found |= {
        "before-own-entry": Case(
            ("x", "--dry-run"),
            {"x": {"BACKEND": GUNICORN, "BEFORE": ["prodserver x"]}},
            1,
            E.NESTED_LAUNCH,
        ),
        "release-before": Case(
            ("--list",),
            {"rel": {"BACKEND": RELEASE, "BEFORE": ["prodserver rel"]}},
            0,
            shows=E.NESTED_LAUNCH,
        ),
        "export-nested": Case(
            ("--export=procfile",),
            web(BEFORE=["prodserver web"]),
            0,
            shows=E.NESTED_LAUNCH,
        ),
    }
    return found


def cases_values() -> dict[str, Case]:
    """Class 4: values checked by what they are."""
    e8, e9, e19, e20, e23 = (
        E.BAD_OPTION_VALUE,
        E.BAD_APP,
        E.UNKNOWN_WAIT_TARGET,
        E.BAD_WAIT_TIMEOUT,
        E.BAD_STOP_TIMEOUT,
    )
    found: dict[str, Case] = {}
    for index, app in enumerate(
        ["", " ", "--reload", "-b 0.0.0.0:1", "a b", "a\tb", " mysite.wsgi", 3, ["x"]]
    ):
        found[f"app-{index}"] = Case(DRY, web(APP=app), 1, e9)
    for index, port in enumerate(
        [
            "0.0.0.0:70000",
            "0.0.0.0:0",
            "0.0.0.0:8²00",
            "0.0.0.0:٣٣",
            ":-1",
            "h:abc",
            "[::1]:65536",
            "tcp://h:99999",
        ]
    ):
        found[f"bind-{index}"] = Case(DRY, web(ARGS={"bind": port}), 1, e8)
    for index, port in enumerate([70000, 0, "8²", "-1", True, "80 81"]):
        found[f"port-{index}"] = Case(DRY, entry(UVICORN, ARGS={"port": port}), 1, e8)
    for index, url in enumerate(
        [
            "tcp://db:0",
            "redis://127.0.0.1:0/0",
            "tcp://db:70000",
            "tcp://db:٣",
            "tcp://db:²",
            "http://h:-1/",
            "tcp://[::1]:65536",
        ]
    ):
        found[f"wait-port-{index}"] = Case(DRY, web(WAIT_FOR=[url]), 1, e19)
    for index, value in enumerate(
        [
            10**100,
            float("inf"),
            float("nan"),
            -1,
            0,
            True,
            "30",
            1e300,
            365 * 24 * 3600 + 1,
        ]
    ):
        found[f"wait-timeout-{index}"] = Case(
            DRY, web(WAIT_FOR=["tcp://db:1"], WAIT_TIMEOUT=value), 1, e20
        )
        found[f"stop-timeout-{index}"] = Case(DRY, web(STOP_TIMEOUT=value), 1, e23)
    for index, value in enumerate(["1e100", "nan", "inf", "-1", "1e-400x"]):
        found[f"stop-timeout-option-{index}"] = Case(
            (*DRY, f"--stop-timeout={value}"), web(), 2, "expected a number of seconds"
        )
    found |= {
        "workers-true": Case(DRY, web(ARGS={"workers": True}), 1, e8),
        "workers-false": Case(DRY, web(ARGS={"workers": False}), 1, e8),
        "dramatiq-queue-flag": Case(
            DRY, entry(DRAMATIQ, ARGS={"queues": ["--processes=99"]}), 1, e8
        ),
        "dramatiq-queue-short": Case(
            DRY, entry(DRAMATIQ, ARGS={"queues": ["default", "-p99"]}), 1, e8
        ),
        "rq-queue-flag": Case(DRY, entry(RQ, ARGS={"queues": ["--burst"]}), 1, e8),
        "huge-integer": Case(DRY, web(ARGS={"workers": 10**400}), 1, e8),
        "long-backend": Case(
            DRY, {"web": {"BACKEND": "x" * 10_000}}, 1, E.BACKEND_NOT_IMPORTABLE
        ),
        "long-dotted-backend": Case(
            DRY, {"web": {"BACKEND": "a." * 5_000 + "B"}}, 1, E.BACKEND_NOT_IMPORTABLE
        ),
        "long-wait-for": Case(DRY, web(WAIT_FOR=["y" * 10_000]), 1, e19),
        "long-args-key": Case(
            DRY, web(ARGS={"k" * 10_000 + "!": 1}), 1, E.BAD_OPTION_NAME
        ),
        "long-restart": Case(DRY, web(RESTART="r" * 10_000), 1, E.BAD_RESTART),
        "long-name": Case(
            ("--list",),
            {"n" * 10_000: {"BACKEND": GUNICORN}},
            0,
            shows="n" * 64 + "…  prodserver.E002",
        ),
    }
    return found


def cases_backends() -> dict[str, Case]:
    """Class 5: whatever a custom backend does, one line that names it."""
    failing = {
        "ProbeRaises": "probe blew up",
        "ProbeJunk": "<junk>",
        "ProbeNumber": "42",
        "ProbeText": "http://x/",
        "ProbeBadPort": "70000",
        "ProbeBadHost": "HttpProbe",
        "ProbeNoArgv": "CommandProbe",
        "ProbeBadArgv": "CommandProbe",
    }
    found: dict[str, Case] = {}
    for name, says in failing.items():
        processes = entry(f"{HERE}.{name}")
        found[f"probe-{name}"] = Case(("web", "--probe"), processes, 1, says)
        found[f"export-{name}"] = Case(
            ("--export=kubernetes", "web"), processes, 1, E.BACKEND_FAILED
        )
        found[f"export-all-{name}"] = Case(
            ("--export=compose",), processes, 0, shows="is left out"
        )
    for name in (
        "ArgvRaises",
        "ArgvNone",
        "ArgvNumbers",
        "ArgvText",
        "ArgvEmpty",
        "ArgvJunk",
        "CheckRaises",
        "CheckJunk",
        "CheckExits",
    ):
        processes = entry(f"{HERE}.{name}")
        found[f"dry-run-{name}"] = Case(DRY, processes, 1, E.BACKEND_FAILED)
        found[f"list-{name}"] = Case(("--list",), processes, 0, shows=E.BACKEND_FAILED)
        found[f"export-{name}"] = Case(
            ("--export=supervisord", "web"), processes, 1, E.BACKEND_FAILED
        )
    found |= {
        "address-dry-run": Case(
            DRY, entry(f"{HERE}.AddressRaises"), 1, E.BACKEND_FAILED
        ),
        "address-export": Case(
            ("--export=systemd",),
            entry(f"{HERE}.AddressRaises"),
            0,
            shows=E.BACKEND_FAILED,
        ),
        "broker-wait-for": Case(
            DRY, entry(f"{HERE}.BrokerRaises", WAIT_FOR=["broker"]), 1, E.BACKEND_FAILED
        ),
        "broker-export": Case(
            ("--export=procfile", "web"),
            entry(f"{HERE}.BrokerRaises"),
            1,
            E.BACKEND_FAILED,
        ),
        "broker-junk": Case(
            DRY,
            entry(f"{HERE}.BrokerJunk", WAIT_FOR=["broker"]),
            1,
            E.UNKNOWN_WAIT_TARGET,
        ),
    }
    return found


def cases_conflicts() -> dict[str, Case]:
    """Class 7: options that contradict each other, or that nothing reads."""
    usage = {
        "format-alone": ("web", "--format=json"),
        "format-shell-alone": ("web", "--format=shell"),
        "format-list": ("--list", "--format=json"),
        "list-export": ("--list", "--export=compose"),
        "list-dry-run": ("--list", "--dry-run"),
        "export-dry-run": ("--export=procfile", "--dry-run"),
        "probe-dry-run": ("web", "--probe", "--dry-run"),
        "probe-list": ("--probe", "--list"),
        "probe-export": ("--probe", "--export=systemd"),
        "image-alone": ("web", "--dry-run", "--image=x"),
        "dockerfile-alone": ("web", "--dockerfile=Dockerfile"),
        "build-context-alone": ("--list", "--build-context=."),
        "name-prefix-alone": ("web", "--dry-run", "--name-prefix=x-"),
        "output-alone": ("web", "--dry-run", "--output=x.yaml"),
        "probe-path-alone": ("web", "--dry-run", "--probe-path=/x"),
        "all-and-name": ("web", "--all", "--dry-run"),
        "unknown-format": ("web", "--dry-run", "--format=yaml"),
        "unknown-export": ("--export=nomad",),
        "bad-probe-path": ("web", "--probe", "--probe-path=x"),
    }
    found = {name: Case(argv, web(), 2, "") for name, argv in usage.items()}
    # Django's own error for these, and its exit status.
    # A run reads --env-file: one that is not there is the file's error.
    found["env-file-missing"] = Case(
        ("web", "--env-file=no-such.env"), web(), 1, E.BAD_ENV_FILE
    )
    found["colours"] = Case(
        ("web", "--dry-run", "--no-color", "--force-color"),
        web(),
        1,
        "can't be used together",
    )
    broken = {"web": {"BACKEND": GUNICORN, "ARGS": 3}, "ok": {"BACKEND": GUNICORN}}
    found |= {
        "export-named-broken": Case(
            ("--export=compose", "web"), broken, 1, E.ARGS_NOT_A_DICT
        ),
        "export-named-broken-and-ok": Case(
            ("--export=systemd", "ok", "web"), broken, 1, E.ARGS_NOT_A_DICT
        ),
        "export-all-broken": Case(
            ("--export=compose",), broken, 0, shows="is left out"
        ),
        "extra-args-no-owner": Case(
            ("ok", "web", "--dry-run", "--", "--workers=2"),
            {**web(), "ok": {"BACKEND": GUNICORN}},
            2,
            "does not say which",
        ),
        "unknown-name": Case(("nope", "--dry-run"), web(), 1, "not found"),
    }
    return found


CASES = {
    "injection": cases_injection(),
    "secrets": cases_secrets(),
    "nested": cases_nested(),
    "values": cases_values(),
    "backends": cases_backends(),
    "conflicts": cases_conflicts(),
}
TABLE = [
    pytest.param(case, id=f"{kind}-{name}")
    for kind, cases in CASES.items()
    for name, case in cases.items()
]


# -- what every case must show --------------------------------------------------


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    lines: list[str] = field(default_factory=list)


def refuse_launch(*args: object, **kwargs: object) -> None:
    raise AssertionError("a hostile case would have started a program")


@pytest.fixture(autouse=True)
def no_launch(monkeypatch: pytest.MonkeyPatch) -> None:
    """No case may start anything: the harness would become the program."""
    monkeypatch.setattr(executor, "exec_plan", refuse_launch)
    monkeypatch.setattr(executor, "exec_supervisor", refuse_launch)


def run_main(argv: Sequence[str], processes: Mapping[str, object]) -> Outcome:
    """``prodserver ARGV`` in this process: its exit status and outputs."""
    out, err = io.StringIO(), io.StringIO()
    with (
        override_settings(PRODUCTION_PROCESSES=dict(processes)),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = console.main(list(argv))
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 1
    return Outcome(code, out.getvalue(), err.getvalue())


def assert_one_command(lines: Sequence[str]) -> None:
    """Each line splits into words as a shell reads them, holds no operator
    that would start another command, and ``sh -n`` reads them all."""
    for line in lines:
        shlex.split(line)  # raises on an unbalanced quote
        if line.startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        operators = [word for word in lexer if word and set(word) <= set("();<>|&")]
        assert not operators, (line, operators)
    if lines:
        checked = subprocess.run(
            ["sh", "-n"],
            input="\n".join(lines) + "\n",
            text=True,
            capture_output=True,
            check=False,
            timeout=10,
        )
        assert checked.returncode == 0, (lines, checked.stderr)


def assert_clean(outcome: Outcome, argv: Sequence[str]) -> None:
    """No traceback, no secret, every stream line a line; the dry run's
    shell lines one command each, its JSON lines one object each."""
    both = outcome.out + outcome.err
    assert "Traceback" not in both, both
    for secret in SECRETS:
        assert secret not in both, both
    lines = outcome.out.splitlines()
    assert all(line.replace("\t", " ").isprintable() for line in lines), lines
    if "--dry-run" in argv and outcome.code == 0:
        if "--format=json" in argv:
            assert all(isinstance(json.loads(line), dict) for line in lines)
        else:
            assert_one_command(lines)


def assert_error(outcome: Outcome, says: str) -> None:
    """One error line, ``CommandError: …`` (or argparse's ``prodserver: error:
    …`` after its usage), naming the problem, with values cut to size."""
    lines = outcome.err.splitlines()
    errors = [line for line in lines if line.startswith("CommandError: ")]
    usage = [line for line in lines if line.startswith("prodserver: error: ")]
    assert len(errors) + len(usage) == 1, outcome.err
    [error] = errors or usage
    if errors:  # nothing but the error, and the warnings of the checks
        others = [line for line in lines if line != error]
        assert all(line.startswith("prodserver.W") for line in others), lines
    assert says in error, (says, error)
    assert len(error) < 600, "a value is not cut"


@pytest.mark.parametrize("case", TABLE)
def test_hostile_case(case: Case) -> None:
    outcome = run_main(case.argv, case.processes)
    assert outcome.code == case.code, (outcome.out, outcome.err)
    assert_clean(outcome, case.argv)
    if case.code:
        assert_error(outcome, case.says)
    else:
        assert case.shows in outcome.out, outcome.out


# -- class 6: output faults (a process of its own: real descriptors) -------------

#: Enough processes for an export larger than the room left on the full disk.
MANY = {
    f"web{index}": {"BACKEND": GUNICORN, "ARGS": {"bind": f"127.0.0.1:{8000 + index}"}}
    for index in range(60)
}
SCRIPT_ENV = {"DJANGO_SETTINGS_MODULE": "mysite.settings"}


def run_argv(
    argv: Sequence[str], env: Mapping[str, str] | None = None, **streams: Any
) -> subprocess.CompletedProcess[str]:
    """``argv`` in the example project, to completion."""
    from tests.processes import example_env

    return subprocess.run(
        list(argv),
        cwd=EXAMPLE_DIR,
        env=dict(env) if env is not None else example_env(**SCRIPT_ENV),
        text=True,
        timeout=60,
        check=False,
        **{"stderr": subprocess.PIPE, **streams},
    )


def assert_one_error_line(result: subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr, result.stderr
    # The export's one warning (a loopback address in a container) may come first.
    lines = [n for n in result.stderr.splitlines() if not n.startswith(LOOPBACK)]
    assert len(lines) == 1, lines
    assert lines[0].startswith("CommandError: "), lines
    assert says in lines[0], lines


FAULT_COMMANDS = {
    "script-dry-run": ("script", "web", "--dry-run"),
    "script-json": ("script", "web", "--dry-run", "--format=json"),
    "script-list": ("script", "--list"),
    "script-export": ("script", "--export=compose"),
    "manage-export": ("manage", "--export=kubernetes"),
    "manage-list": ("manage", "--list"),
}


def command(kind: str, *args: str) -> list[str]:
    if kind == "script":
        return [console_script(), *args]
    return [sys.executable, "manage.py", "prodserver", *args]


@pytest.mark.integration
@pytest.mark.parametrize("name", FAULT_COMMANDS)
def test_a_full_output_is_one_line_and_a_failure(name: str) -> None:
    kind, *args = FAULT_COMMANDS[name]
    with open("/dev/full", "w") as full:
        result = run_argv(command(kind, *args), stdout=full)
    assert_one_error_line(result, "cannot write the output (No space left on device)")


@pytest.mark.integration
@pytest.mark.parametrize("name", ["script-list", "script-dry-run", "manage-list"])
def test_a_closed_output_is_one_line_and_a_failure(name: str) -> None:
    kind, *args = FAULT_COMMANDS[name]
    # `>&-`: the command starts without a descriptor 1.
    result = run_argv(["sh", "-c", 'exec "$@" >&-', "sh", *command(kind, *args)])
    assert_one_error_line(result, "standard output is closed")


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs with 8 KiB of it left, mounted for the test."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        (mount / "filler").write_bytes(b"x" * 56 * 1024)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def many_env(tmp_path: Path) -> dict[str, str]:
    return case_settings_env(tmp_path, setting_of(MANY))


@pytest.mark.integration
def test_an_export_onto_a_full_disk_leaves_nothing(
    tmp_path: Path, full_disk: Path
) -> None:
    env = many_env(tmp_path)
    whole = run_argv(command("manage", "--export=compose"), env, stdout=subprocess.PIPE)
    assert len(whole.stdout) > 9000, "the export must not fit"
    target = full_disk / "compose.yaml"
    with open(target, "w") as sink:
        result = run_argv(command("manage", "--export=compose"), env, stdout=sink)
    assert_one_error_line(result, "No space left on device")
    assert target.stat().st_size == 0, "half an export was left behind"


@pytest.mark.integration
def test_an_export_output_is_whole_or_nothing(tmp_path: Path, full_disk: Path) -> None:
    env = many_env(tmp_path)
    target = full_disk / "units.conf"
    target.write_text("the old file\n")
    args = ("--export=supervisord", f"--output={target}")
    result = run_argv(command("script", *args), env, stdout=subprocess.PIPE)
    assert_one_error_line(result, "it was left as it was")
    assert target.read_text() == "the old file\n"
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "units.conf"]
    # With room, the same file is written whole.
    (full_disk / "filler").unlink()
    target.unlink()
    written = run_argv(command("script", *args), env, stdout=subprocess.PIPE)
    assert written.returncode == 0, written.stderr
    printed = run_argv(
        command("script", "--export=supervisord"), env, stdout=subprocess.PIPE
    )
    assert target.read_text() == printed.stdout


# -- class 3 and 8: stop requests, one or a burst --------------------------------


def burst(pid: int, signals: Sequence[int], within: float = 0.1) -> None:
    """Send ``signals`` to ``pid`` one after the other within ``within`` s."""
    pause = within / len(signals)
    for sig in signals:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        time.sleep(pause)


ECHOES = {"a": {"BACKEND": ECHO}, "b": {"BACKEND": ECHO}}
STORMS = {
    "term": [signal.SIGTERM] * 40,
    "int": [signal.SIGINT] * 40,
    "mixed": [signal.SIGTERM, signal.SIGINT] * 20,
}


@pytest.mark.integration
@pytest.mark.parametrize("storm", STORMS)
def test_a_burst_of_stop_requests_stops_the_children_once(
    tmp_path: Path, storm: str
) -> None:
    env = case_settings_env(tmp_path, setting_of(ECHOES))
    argv = [sys.executable, "manage.py", "prodserver", "a", "b", "--spawn"]
    with launch(argv, tmp_path, env=env) as launched:
        launched.wait_for_text("ready", count=2)
        launched.remember_tree()
        burst(launched.pid, STORMS[storm])
        assert launched.wait(timeout=20) == 0, launched.text()
        text = launched.text()
        assert "Traceback" not in text, text
        got = [
            line.split("|")[0].strip()
            for line in text.splitlines()
            if "got SIG" in line
        ]
        assert sorted(got) == sorted(ECHOES), text  # one stop request each
        assert wait_until(lambda: launched.alive() == [], timeout=10)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("keys", "waiting_for"),
    [
        ({"WAIT_FOR": ["tcp://127.0.0.1:9"], "WAIT_TIMEOUT": 60}, "waiting for"),
        ({"BEFORE": [["shell", "-c", "import time; time.sleep(60)"]]}, "shell -c"),
    ],
    ids=["wait", "step"],
)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_a_stop_before_the_programs_is_one_line_and_its_status(
    tmp_path: Path, keys: dict[str, object], waiting_for: str, sig: int
) -> None:
    setting = setting_of({"a": {"BACKEND": ECHO, **keys}})
    argv = [sys.executable, "manage.py", "prodserver", "a"]
    with launch(argv, tmp_path, env=case_settings_env(tmp_path, setting)) as launched:
        launched.wait_for_text(waiting_for)
        burst(launched.pid, [sig] * 20)
        assert launched.wait(timeout=20) == 128 + sig, launched.text()
        text = launched.text()
        assert "Traceback" not in text, text
        [line] = [line for line in text.splitlines() if "CommandError" in line]
        assert f"stopped by {signal.Signals(sig).name}" in line, text
        assert "ready" not in text  # the program never started


# -- class 2 in `manage.py check` ---------------------------------------------------

CHECKED_SECRETS = {
    "bad-ipv6": ["redis://u:hunter2@[cache:6379/0"],
    "bad-port": ["postgres://u:hunter2@db:99999/x"],
    "no-port": ["tcp://u:hunter2@"],
    "unknown-scheme": ["gopher://u:hunter2@x"],
    "password-with-slash": ["tcp://u:p@ss/w0rd@db"],
}


@pytest.mark.parametrize("wait_for", CHECKED_SECRETS.values(), ids=CHECKED_SECRETS)
def test_check_messages_show_no_secret(wait_for: list[str]) -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    out, err = io.StringIO(), io.StringIO()
    with (
        override_settings(PRODUCTION_PROCESSES=web(WAIT_FOR=wait_for)),
        pytest.raises(SystemCheckError) as raised,
    ):
        call_command("check", stdout=out, stderr=err)
    shown = str(raised.value) + out.getvalue() + err.getvalue()
    assert E.UNKNOWN_WAIT_TARGET in shown, shown
    assert ":***@" in shown, shown
    assert not [secret for secret in SECRETS if secret in shown], shown
