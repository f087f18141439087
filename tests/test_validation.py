"""Validation of ``PRODUCTION_PROCESSES``: one test per check id,
through the registered check, and the command's answer to each bad setting as a
subprocess: a non-zero exit, the problem on stderr, no traceback."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet
from django.core.checks import CheckMessage
from django.test import override_settings

from django_prodserver.backends.base import ProcessBackend, WebServerBackend
from django_prodserver.backends.gunicorn import GunicornServer
from django_prodserver.checks import check_production_processes
from django_prodserver.exceptions import ConfigurationError
from tests.processes import manage_with_settings, setting_of

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
RUNSERVER = "django_prodserver.backends.django_runserver.DjangoRunserver"
APP_PROBE = "mysite.backends.AppProbe"
HERE = "tests.test_validation"


class NotInstalled(GunicornServer):
    module = "prodserver_test_absent_package"


class ChecksRaise(GunicornServer):
    def check_config(self) -> list[CheckMessage]:
        raise RuntimeError("checks exploded")


class ChecksReturnNonsense(GunicornServer):
    def check_config(self) -> list[CheckMessage]:
        return "not a list"  # type: ignore[return-value]


class BuildRaises(ProcessBackend):
    def build_argv(self, options: list[str]) -> list[str]:
        raise KeyError("no such thing")


class BuildRefuses(ProcessBackend):
    def build_argv(self, options: list[str]) -> list[str]:
        raise ConfigurationError("listen cannot be mixed with host", "Use one.")


class BuildsNonsense(ProcessBackend):
    def build_argv(self, options: list[str]) -> list[str]:
        return ["prog", 5]  # type: ignore[list-item]


class BudgetNonsense(GunicornServer):
    def default_stop_timeout(self, argv: list[str]) -> float | None:
        return "soon"  # type: ignore[return-value]


class AddressRaises(WebServerBackend):
    def build_argv(self, options: list[str]) -> list[str]:
        return ["prog", *options]

    def listen_addresses(self) -> list[tuple[str, int]]:
        raise ZeroDivisionError("no address")


class UnknownStopSignal(GunicornServer):
    stop_signal = "SIGFOO"


class BuildsEmptyWord(ProcessBackend):
    def build_argv(self, options: list[str]) -> list[str]:
        return [""]


class RaisingMapping(Mapping[str, object]):
    """A mapping of the user's own whose every read fails."""

    def __getitem__(self, key: str) -> object:
        raise RuntimeError("no reading")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("no reading")

    def __len__(self) -> int:
        return 1


def not_a_class() -> None:
    """A BACKEND that is a function."""


def check(processes: object) -> list[CheckMessage]:
    with override_settings(PRODUCTION_PROCESSES=processes):
        return check_production_processes()


def found(processes: object, check_id: str) -> list[CheckMessage]:
    """The messages with ``check_id``; every message carries a hint."""
    messages = check(processes)
    assert all(m.hint for m in messages), messages
    return [m for m in messages if m.id == check_id]


def web(**entry: object) -> dict[str, object]:
    return {"web": {"BACKEND": GUNICORN, **entry}}


# -- one test per id: (setting, id, words the message must contain) -------------


def case(name: str, processes: object, check_id: str, *words: str) -> ParameterSet:
    return pytest.param(processes, check_id, list(words), id=name)


CASES = [
    case("E001-list", ["web"], "prodserver.E001", "must be a dict", "not list"),
    case("E001-none", None, "prodserver.E001", "not NoneType"),
    case(
        "E002-entry-str",
        {"web": GUNICORN},
        "prodserver.E002",
        "['web']",
        "must be a dict",
    ),
    case(
        "E002-space",
        {"my web": {"BACKEND": GUNICORN}},
        "prodserver.E002",
        "'my web'",
        "plain word",
    ),
    case("E002-int-name", {3: {"BACKEND": GUNICORN}}, "prodserver.E002", "named 3"),
    case("E002-tuple-name", {("a", 1): {}}, "prodserver.E002", "('a', 1)"),
    case("E003", {"web": {}}, "prodserver.E003", "['web'] has no BACKEND"),
    case(
        "E004-module",
        web(BACKEND="nowhere.Server"),
        "prodserver.E004",
        "Cannot import BACKEND 'nowhere.Server'",
        "['web']",
        "No module named 'nowhere'",
    ),
    case(
        "E004-attr",
        web(BACKEND="mysite.backends.Nope"),
        "prodserver.E004",
        "'mysite.backends.Nope'",
        "does not define",
    ),
    case("E004-no-dot", web(BACKEND="Gunicorn"), "prodserver.E004", "'Gunicorn'"),
    case(
        "E004-relative",
        web(BACKEND=".relative.Server"),
        "prodserver.E004",
        "'.relative.Server'",
    ),
    case(
        "E004-class-object",
        web(BACKEND=GunicornServer),
        "prodserver.E004",
        "string",
        "GunicornServer",
    ),
    case(
        "E004-none",
        web(BACKEND=None),
        "prodserver.E004",
        "['web']['BACKEND']",
        "not None",
    ),
    case(
        "E005-class",
        web(BACKEND="django.http.HttpResponse"),
        "prodserver.E005",
        "django.http.response.HttpResponse",
        "not a prodserver backend",
    ),
    case(
        "E005-function",
        web(BACKEND=f"{HERE}.not_a_class"),
        "prodserver.E005",
        "is a function",
    ),
    case(
        "E005-base-class",
        web(BACKEND="django_prodserver.backends.base.WebServerBackend"),
        "prodserver.E005",
        "does not define build_argv()",
    ),
    case(
        "E006-list",
        web(ARGS=["--workers=4"]),
        "prodserver.E006",
        "['web']['ARGS']",
        "not list",
    ),
    case("E006-list", web(ARGS=["--workers=4"]), "prodserver.E006", "not list"),
    case(
        "E007-space",
        web(ARGS={"max requests": 5}),
        "prodserver.E007",
        "['web']",
        "'max requests'",
    ),
    case("E007-dashes", web(ARGS={"--workers": 5}), "prodserver.E007", "'--workers'"),
    case("E007-int-key", web(ARGS={4: 5}), "prodserver.E007", "ARGS key 4"),
    case(
        "E008-dict",
        web(ARGS={"workers": {"n": 4}}),
        "prodserver.E008",
        "['web']",
        "'workers'",
        "dict",
    ),
    case(
        "E008-nested-list",
        web(ARGS={"bind": ["a:1", ["b:2"]]}),
        "prodserver.E008",
        "'bind'",
        "list",
    ),
    case(
        "E008-flag",
        web(ARGS={"preload": "maybe"}),
        "prodserver.E008",
        "flag",
        "'maybe'",
    ),
    case("E008-nul", web(ARGS={"name": "a\0b"}), "prodserver.E008", "NUL"),
    case(
        "E009-missing",
        {"jobs": {"BACKEND": APP_PROBE}},
        "prodserver.E009",
        "['jobs'] needs APP",
    ),
    case(
        "E009-not-str",
        {"jobs": {"BACKEND": APP_PROBE, "APP": 5}},
        "prodserver.E009",
        "['jobs']['APP']",
        "not 5",
    ),
    case(
        "E009-web-app-list",
        web(APP=["mysite.wsgi.application"]),
        "prodserver.E009",
        "['web']['APP']",
    ),
    case(
        "E010-list", web(ENV=["A=1"]), "prodserver.E010", "['web']['ENV']", "not list"
    ),
    case(
        "E010-int-value",
        web(ENV={"WORKERS": 4}),
        "prodserver.E010",
        "['web']['ENV']['WORKERS'] must be a string",
        "not 4",
    ),
    case(
        "E010-key",
        web(ENV={"A=B": "1"}),
        "prodserver.E010",
        "'A=B'",
        "not a variable name",
    ),
    case(
        "E010-nul",
        web(ENV={"A": "x\0y"}),
        "prodserver.E010",
        "['web']['ENV']['A'] contains a NUL",
    ),
    case(
        "E012-check-config-raises",
        web(BACKEND=f"{HERE}.ChecksRaise"),
        "prodserver.E012",
        "['web']",
        "checking the entry",
        "RuntimeError: checks exploded",
    ),
    case(
        "E012-check-config-nonsense",
        web(BACKEND=f"{HERE}.ChecksReturnNonsense"),
        "prodserver.E012",
        "check_config() must return",
    ),
    case(
        "E012-build-raises",
        web(BACKEND=f"{HERE}.BuildRaises"),
        "prodserver.E012",
        "building the command",
        "KeyError",
    ),
    case(
        "E012-configuration-error",
        web(BACKEND=f"{HERE}.BuildRefuses"),
        "prodserver.E012",
        "['web']: listen cannot be mixed",
    ),
    case(
        "E012-not-strings",
        web(BACKEND=f"{HERE}.BuildsNonsense"),
        "prodserver.E012",
        "['prog', 5]",
        "not a command line",
    ),
    case(
        "E012-address-raises",
        web(BACKEND=f"{HERE}.AddressRaises"),
        "prodserver.E012",
        "finding its address",
        "ZeroDivisionError",
    ),
    case(
        "E012-stop-timeout-nonsense",
        web(BACKEND=f"{HERE}.BudgetNonsense"),
        "prodserver.E012",
        "gave the stop timeout 'soon'",
    ),
    case(
        "E023-str",
        web(STOP_TIMEOUT="30"),
        "prodserver.E023",
        "['web']['STOP_TIMEOUT'] must be a number of seconds above 0 and up to a year",
        "not '30'",
    ),
    case("E023-zero", web(STOP_TIMEOUT=0), "prodserver.E023", "not 0"),
    case("E023-negative", web(STOP_TIMEOUT=-5), "prodserver.E023", "not -5"),
    case("E023-bool", web(STOP_TIMEOUT=True), "prodserver.E023", "not True"),
    case("E023-inf", web(STOP_TIMEOUT=float("inf")), "prodserver.E023", "not inf"),
    case("E023-nan", web(STOP_TIMEOUT=float("nan")), "prodserver.E023", "not nan"),
    case(
        "E024-word",
        web(RESTART="yes"),
        "prodserver.E024",
        "['web']['RESTART'] must be one of 'no', 'on-failure', 'always'",
        "not 'yes'",
    ),
    case("E024-bool", web(RESTART=True), "prodserver.E024", "not True"),
    case("E024-none", web(RESTART=None), "prodserver.E024", "not None"),
    case(
        "E029-zero",
        web(REPLICAS=0),
        "prodserver.E029",
        "['web']['REPLICAS'] must be a whole number of at least 1, not 0",
    ),
    case("E029-string", web(REPLICAS="3"), "prodserver.E029", "not '3'"),
    case("E029-bool", web(REPLICAS=True), "prodserver.E029", "not True"),
    case("E029-float", web(REPLICAS=2.0), "prodserver.E029", "not 2.0"),
    case(
        "E029-single-instance",
        {
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "mysite.celery.app",
                "REPLICAS": 2,
            }
        },
        "prodserver.E029",
        "['beat']['REPLICAS'] must be 1: the process must never run twice, not 2",
    ),
    case(
        "E029-development-server",
        {
            "dev": {
                "BACKEND": RUNSERVER,
                "REPLICAS": 2,
            }
        },
        "prodserver.E029",
        "['dev']['REPLICAS'] must be 1: the process must never run twice, not 2",
    ),
    case(
        "E033-string",
        web(PROBE="/health/"),
        "prodserver.E033",
        "['web']['PROBE'] must be a dict such as {'path': '/health/'}",
        "not '/health/'",
    ),
    case(
        "E033-relative",
        web(PROBE={"path": "health/"}),
        "prodserver.E033",
        "['web']['PROBE']['path'] must be a URL path that starts with '/'",
    ),
    case("E033-key", web(PROBE={"url": "/"}), "prodserver.E033", "not 'url'"),
    case(
        "E034-side",
        web(RESOURCES={"request": {"cpu": "1"}}),
        "prodserver.E034",
        "['web']['RESOURCES'] takes 'requests' and 'limits', not 'request'",
    ),
    case(
        "E034-name",
        web(RESOURCES={"limits": {"gpu": "1"}}),
        "prodserver.E034",
        "['limits'] takes 'cpu' and 'memory', not 'gpu'",
    ),
    case(
        "E034-amount",
        web(RESOURCES={"limits": {"memory": "512MB"}}),
        "prodserver.E034",
        "['limits']['memory'] must be a quantity above 0",
        "not '512MB'",
    ),
    case("E034-zero", web(RESOURCES={"requests": {"cpu": 0}}), "prodserver.E034"),
    case(
        "E034-over-limit",
        web(RESOURCES={"requests": {"memory": "1Gi"}, "limits": {"memory": "512Mi"}}),
        "prodserver.E034",
        "asks for '1Gi' of memory, more than its limit '512Mi'",
    ),
    case(
        "E029-release-step",
        {
            "release": {
                "BACKEND": "django_prodserver.backends.release.Release",
                "BEFORE": ["migrate --noinput"],
                "REPLICAS": 3,
            }
        },
        "prodserver.E029",
        "['release']['REPLICAS'] must be 1: the process must never run twice, not 3",
    ),
    case(
        "W001",
        web(BACKEND=f"{HERE}.NotInstalled"),
        "prodserver.W001",
        "['web']",
        'is not installed: pip install "django-prodserver[gunicorn]"',
    ),
    case(
        "W002",
        web(ARGS={"worker": 4}),
        "prodserver.W002",
        "['web']",
        "'worker'",
        "--worker",
    ),
    case("W005", web(ARGS={}, OPTIONS={}), "prodserver.W005", "['web']", "'OPTIONS'"),
    # hostile input: every case a message with its id, never a traceback
    case(
        "E010-env-key-runs-a-command",
        web(ENV={"X;touch /tmp/PWNED;Y": "v"}),
        "prodserver.E010",
        "not a variable name",
    ),
    case("E010-env-key-digit", web(ENV={"1A": "v"}), "prodserver.E010", "'1A'"),
    case("E002-final-newline", {"web\n": {"BACKEND": GUNICORN}}, "prodserver.E002"),
    case(
        "E002-long-name",
        {"w" * 65: {"BACKEND": GUNICORN}},
        "prodserver.E002",
        "at most 64 characters",
    ),
    case("E008-huge-int", web(ARGS={"workers": 10**5000}), "prodserver.E008"),
    case("E008-nan", web(ARGS={"workers": float("nan")}), "prodserver.E008", "nan"),
    case("E008-inf", web(ARGS={"timeout": float("inf")}), "prodserver.E008", "inf"),
    case(
        "E008-huge-in-list",
        web(ARGS={"bind": ["a:1", 10**400]}),
        "prodserver.E008",
        "'bind'",
    ),
    case(
        "E012-unknown-signal",
        web(BACKEND=f"{HERE}.UnknownStopSignal"),
        "prodserver.E012",
        "'SIGFOO'",
    ),
    case(
        "E012-empty-program",
        web(BACKEND=f"{HERE}.BuildsEmptyWord"),
        "prodserver.E012",
        "not a command line",
    ),
    case(
        "E012-raising-entry",
        {"web": RaisingMapping()},
        "prodserver.E012",
        "['web'] cannot be read",
        "RuntimeError",
    ),
    case(
        "E012-raising-args",
        web(ARGS=RaisingMapping()),
        "prodserver.E012",
        "['web'] cannot be read",
    ),
    case("E014-ARG", web(ARG={}), "prodserver.E014", "['web']", "'ARG'"),
    case("E014-Args", web(Args={}), "prodserver.E014", "'Args'"),
    case("E014-BACKENDS", web(BACKENDS="x"), "prodserver.E014", "'BACKENDS'"),
]


@pytest.mark.parametrize(("processes", "check_id", "words"), CASES)
def test_each_problem_has_its_id_and_names_the_key(
    processes: object, check_id: str, words: list[str]
) -> None:
    messages = found(processes, check_id)
    assert messages, check(processes)
    text = " ".join(str(m.msg) for m in messages)
    for word in words:
        assert word in text


@pytest.mark.parametrize(
    ("restart", "hint"),
    [
        ("on_failure", "Did you mean 'on-failure'?"),
        ("Always", "Did you mean 'always'?"),
        (False, 'Write "RESTART": "on-failure" to start it again when it fails.'),
    ],
)
def test_e017_suggests_a_policy(restart: object, hint: str) -> None:
    (message,) = found(web(RESTART=restart), "prodserver.E024")
    assert message.hint == hint


@pytest.mark.parametrize("stop_timeout", [None, 1, 0.5, 600])
@pytest.mark.parametrize("restart", ["no", "on-failure", "always"])
def test_stop_timeout_and_restart_values_that_are_fine(
    stop_timeout: object, restart: str
) -> None:
    assert check(web(STOP_TIMEOUT=stop_timeout, RESTART=restart)) == []


@pytest.mark.parametrize("replicas", [1, 3, 100])
def test_replicas_that_are_fine(replicas: int) -> None:
    assert check(web(REPLICAS=replicas)) == []


@pytest.mark.parametrize(
    "entry",
    [
        {"PROBE": {"path": "/health/"}},
        {"PROBE": {"path": "/healthz?full=1"}},
        {"RESOURCES": {"limits": {"cpu": 2, "memory": "1.5Gi"}}},
        {"RESOURCES": {"requests": {"cpu": "100m"}, "limits": {"cpu": "0.5"}}},
    ],
)
def test_probe_and_resources_that_are_fine(entry: dict[str, object]) -> None:
    assert check(web(**entry)) == []


def test_errors_and_warnings_have_the_right_level() -> None:
    (e003,) = found({"web": {}}, "prodserver.E003")
    assert e003.is_serious()
    (w002,) = found(web(ARGS={"worker": 4}), "prodserver.W002")
    assert not w002.is_serious()


def test_w002_says_did_you_mean() -> None:
    (message,) = found(web(ARGS={"worker": 4}), "prodserver.W002")
    assert message.hint == "Did you mean 'workers'?"


def test_e014_points_at_a_lower_case_key() -> None:
    messages = check({"web": {"backend": GUNICORN}})
    assert [m.id for m in messages] == ["prodserver.E014", "prodserver.E003"]
    assert messages[0].hint == "Did you mean 'BACKEND'? Entry keys are upper case."


def test_e004_suggests_a_backend_of_the_same_module() -> None:
    path = "django_prodserver.backends.gunicorn.GunicornWorker"
    (message,) = found(web(BACKEND=path), "prodserver.E004")
    assert message.hint == f"Did you mean '{GUNICORN}'?"


def test_e004_of_a_module_that_fails_to_import(tmp_path: Path) -> None:
    (tmp_path / "broken_backend.py").write_text("1 / 0\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        (message,) = found(web(BACKEND="broken_backend.Server"), "prodserver.E004")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("broken_backend", None)
    assert "ZeroDivisionError: division by zero" in str(message.msg)


def test_e004_hint_gives_the_path_of_a_class_object() -> None:
    (message,) = found(web(BACKEND=GunicornServer), "prodserver.E004")
    assert message.hint == f'Write the class as its import path: "{GUNICORN}".'


def test_e009_for_a_web_server_without_wsgi_application() -> None:
    with override_settings(WSGI_APPLICATION=None):
        (message,) = found(web(), "prodserver.E009")
        assert not found(web(APP="mysite.wsgi.application"), "prodserver.E009")
    assert "['web']: WSGI_APPLICATION is not set" in str(message.msg)
    assert "give the entry" in str(message.hint)


def test_an_entry_with_several_problems_reports_each() -> None:
    processes = {"web": {"BACKEND": GUNICORN, "ARGS": {"a b": 1, "c": {}}, "ENV": 1}}
    assert sorted(m.id for m in check(processes)) == [
        "prodserver.E007",
        "prodserver.E008",
        "prodserver.E010",
    ]


def test_a_good_setting_has_no_messages() -> None:
    processes = {
        "web": {"BACKEND": GUNICORN, "ARGS": {"bind": "0.0.0.0:8000", "workers": 4}},
        "jobs": {"BACKEND": APP_PROBE, "APP": "mysite.wsgi.application"},
        "probe": {"BACKEND": "mysite.backends.StatusProbe", "ENV": {"A": "1"}},
    }
    assert check(processes) == []


def test_no_setting_is_nothing_to_check() -> None:
    from django.conf import settings

    with override_settings():
        del settings.PRODUCTION_PROCESSES
        assert check_production_processes() == []


# -- W003: two web processes on one address ------------------------------------


def gunicorn_binding(*binds: str | None) -> dict[str, object]:
    return {
        f"web{i}": {"BACKEND": GUNICORN, "ARGS": {"bind": bind} if bind else {}}
        for i, bind in enumerate(binds)
    }


@pytest.mark.parametrize(
    ("binds", "conflicts"),
    [
        (("0.0.0.0:8000", "0.0.0.0:8001"), 0),  # the documented "Multiple Ports"
        (("127.0.0.1:8000", "127.0.0.1:8000"), 1),
        (("0.0.0.0:8000", "127.0.0.1:8000"), 1),
        (("10.0.0.1:8000", "10.0.0.2:8000"), 0),
        ((None, None), 1),  # both on gunicorn's default 127.0.0.1:8000
        ((None, "0.0.0.0:8000"), 1),
        (("unix:/run/a.sock", "unix:/run/a.sock"), 0),
        (("a:1", "b:2", "0.0.0.0:2"), 1),
        (("127.0.0.1:9000", "127.0.0.1:9000", "0.0.0.0:9000"), 3),
    ],
)
def test_w003_web_processes_on_one_port(
    binds: tuple[str | None, ...], conflicts: int
) -> None:
    assert len(found(gunicorn_binding(*binds), "prodserver.W003")) == conflicts


def test_w003_names_both_processes_and_the_address() -> None:
    (message,) = found(
        gunicorn_binding("0.0.0.0:8000", "[::1]:8000"), "prodserver.W003"
    )
    assert str(message.msg) == (
        "PRODUCTION_PROCESSES['web1'] listens on [::1]:8000, and "
        "PRODUCTION_PROCESSES['web0'] on 0.0.0.0:8000: only one of them can bind it"
    )
    assert not message.is_serious()


def test_w003_with_port_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "5000")
    assert len(found(gunicorn_binding(None, None), "prodserver.W003")) == 1
    assert not found(gunicorn_binding(None, "127.0.0.1:5001"), "prodserver.W003")


def test_w003_sees_port_set_through_env() -> None:
    processes = gunicorn_binding(None, None)
    processes["web1"]["ENV"] = {"PORT": "5002"}  # type: ignore[index]
    assert not found(processes, "prodserver.W003")


def test_w003_across_backends() -> None:
    processes = {
        "gunicorn": {"BACKEND": GUNICORN, "ARGS": {"bind": "0.0.0.0:8080"}},
        "waitress": {"BACKEND": "django_prodserver.backends.waitress.WaitressServer"},
        "uvicorn": {"BACKEND": "django_prodserver.backends.uvicorn.UvicornServer"},
        "granian": {
            "BACKEND": "django_prodserver.backends.granian.GranianASGIServer",
            "ARGS": {"address": "127.0.0.1", "port": 8001},
        },
    }
    (message,) = found(processes, "prodserver.W003")
    assert "['waitress'] listens on 0.0.0.0:8080" in str(message.msg)


def test_w003_ignores_workers() -> None:
    processes = {
        **gunicorn_binding(None),
        "jobs": {"BACKEND": APP_PROBE, "APP": "mysite.wsgi.application"},
    }
    assert not found(processes, "prodserver.W003")


# -- the command, as a subprocess ------------------------------------------------


def command_case(name: str, setting: str, process: str, *words: str) -> ParameterSet:
    return pytest.param(setting, process, list(words), id=name)


COMMAND_CASES = [
    command_case(
        "setting-missing",
        "del PRODUCTION_PROCESSES",
        "web",
        "PRODUCTION_PROCESSES setting not found in case_settings",
        'add PRODUCTION_PROCESSES = {"web": {"BACKEND": ',
    ),
    command_case(
        "not-a-dict",
        setting_of([("web", {})]),
        "web",
        "prodserver.E001",
        "must be a dict",
        "not list",
    ),
    command_case(
        "no-backend",
        setting_of({"web": {"ARGS": {}}}),
        "web",
        "prodserver.E003",
        "PRODUCTION_PROCESSES['web'] has no BACKEND",
        "HINT: Add",
    ),
    command_case(
        "backend-not-importable",
        setting_of({"web": {"BACKEND": "mysite.nothing.Server"}}),
        "web",
        "prodserver.E004",
        "Cannot import BACKEND 'mysite.nothing.Server'",
        "No module named 'mysite.nothing'",
    ),
    command_case(
        "backend-other-class",
        setting_of({"web": {"BACKEND": "collections.OrderedDict"}}),
        "web",
        "prodserver.E005",
        "'collections.OrderedDict' is the class collections.OrderedDict",
    ),
    command_case(
        "backend-class-object",
        "from django_prodserver.backends.gunicorn import GunicornServer\n"
        "PRODUCTION_PROCESSES = {'web': {'BACKEND': GunicornServer}}",
        "web",
        "prodserver.E004",
        "must be a dotted import path string",
        f'"{GUNICORN}"',
    ),
    command_case(
        "args-list",
        setting_of({"web": {"BACKEND": GUNICORN, "ARGS": ["--workers=2"]}}),
        "web",
        "prodserver.E006",
        "PRODUCTION_PROCESSES['web']['ARGS'] must be a dict",
        "not list",
    ),
    command_case(
        "args-value-dict",
        setting_of({"web": {"BACKEND": GUNICORN, "ARGS": {"workers": {"n": 2}}}}),
        "web",
        "prodserver.E008",
        "ARGS['workers'] has an unsupported value",
        "dict",
    ),
    command_case(
        "args-key-space",
        setting_of({"web": {"BACKEND": GUNICORN, "ARGS": {"max requests": 1}}}),
        "web",
        "prodserver.E007",
        "ARGS key 'max requests' is not an option name",
    ),
    command_case(
        "name-space",
        setting_of({"my web": {"BACKEND": GUNICORN}}),
        "my web",
        "prodserver.E002",
        "'my web'",
        "plain word",
    ),
    command_case(
        "stop-timeout",
        setting_of({"web": {"BACKEND": GUNICORN, "STOP_TIMEOUT": "1m"}}),
        "web",
        "prodserver.E023",
        "PRODUCTION_PROCESSES['web']['STOP_TIMEOUT'] must be a number of seconds",
        'HINT: Write "STOP_TIMEOUT": 60',
    ),
    command_case(
        "app-missing",
        setting_of({"worker": {"BACKEND": APP_PROBE}}),
        "worker",
        "prodserver.E009",
        "PRODUCTION_PROCESSES['worker'] needs APP",
        'HINT: Add "APP"',
    ),
    command_case(
        "unknown-name",
        setting_of(
            {
                "web": {"BACKEND": GUNICORN},
                "worker": {"BACKEND": "mysite.backends.StatusProbe"},
            }
        ),
        "wbe",
        "Process 'wbe' not found in PRODUCTION_PROCESSES",
        "Available processes: web, worker",
        "Did you mean 'web'?",
    ),
    command_case(
        "backend-raises",
        setting_of({"web": {"BACKEND": "case_backends.Broken"}}),
        "web",
        "prodserver.E012",
        "failed while building the command",
        "IndexError",
    ),
]

CASE_BACKENDS = {
    "case_backends.py": """
        from django_prodserver.backends.base import ProcessBackend

        class Broken(ProcessBackend):
            def build_argv(self, options):
                return [][0]
    """
}


@pytest.mark.parametrize(("setting", "name", "words"), COMMAND_CASES)
def test_command_on_bad_setting_exits_with_the_message(
    tmp_path: Path, setting: str, name: str, words: list[str]
) -> None:
    result = manage_with_settings(
        tmp_path, setting, "prodserver", name, "--dry-run", files=CASE_BACKENDS
    )
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("CommandError: ")
    for word in words:
        assert word in result.stderr


def test_command_reports_every_error_of_the_entry(tmp_path: Path) -> None:
    setting = f"""
        PRODUCTION_PROCESSES = {{
            "web": {{"BACKEND": "{GUNICORN}", "ARGS": {{"a b": 1}}, "ENV": []}},
        }}
    """
    result = manage_with_settings(tmp_path, setting, "prodserver", "web", "--dry-run")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("CommandError: prodserver.E007: ")
    assert lines[1].startswith("prodserver.E010: ")


def test_command_checks_only_the_processes_it_runs(tmp_path: Path) -> None:
    setting = f"""
        PRODUCTION_PROCESSES = {{
            "web": {{"BACKEND": "{GUNICORN}"}},
            "broken": {{"ARGS": {{}}}},
        }}
    """
    result = manage_with_settings(tmp_path, setting, "prodserver", "web", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "gunicorn" in result.stdout


def test_command_prints_warnings_and_runs(tmp_path: Path) -> None:
    setting = f"""
        PRODUCTION_PROCESSES = {{
            "web": {{"BACKEND": "{GUNICORN}", "ARGS": {{"worker": 2}}}},
            "api": {{"BACKEND": "{GUNICORN}"}},
        }}
    """
    result = manage_with_settings(tmp_path, setting, "prodserver", "--all", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert "prodserver.W002: PRODUCTION_PROCESSES['web']: ARGS key 'worker'" in (
        result.stderr
    )
    assert "prodserver.W003: PRODUCTION_PROCESSES['api'] listens on 127.0.0.1:8000" in (
        result.stderr
    )
    alone = manage_with_settings(tmp_path, setting, "prodserver", "api", "--dry-run")
    assert alone.returncode == 0
    assert alone.stderr == ""  # one process alone has nothing to conflict with


def test_silenced_checks_are_silent_in_the_command_too(tmp_path: Path) -> None:
    two = {"web": {"BACKEND": GUNICORN}, "api": {"BACKEND": GUNICORN}}
    setting = setting_of(two) + '\nSILENCED_SYSTEM_CHECKS = ["prodserver.W003"]\n'
    result = manage_with_settings(tmp_path, setting, "prodserver", "--all", "--dry-run")
    assert result.returncode == 0
    assert result.stderr == ""
    check = manage_with_settings(tmp_path, setting, "check")
    assert "prodserver.W003" not in check.stderr


def test_a_silenced_error_of_a_backend_lets_the_entry_run(tmp_path: Path) -> None:
    """E011 (the worker's app missing) is the backend's own check: silencing it
    lets the command resolve the entry; without the silence it refuses."""
    q2 = {"q2": {"BACKEND": "django_prodserver.backends.django_q2.DjangoQ2Worker"}}
    without_app = setting_of(q2) + (
        '\nINSTALLED_APPS = [a for a in INSTALLED_APPS if a != "django_q"]\n'
    )
    refused = manage_with_settings(tmp_path, without_app, "prodserver", "--dry-run")
    assert refused.returncode == 1
    assert refused.stderr.count("prodserver.E011") == 1
    silenced = without_app + 'SILENCED_SYSTEM_CHECKS = ["prodserver.E011"]\n'
    result = manage_with_settings(tmp_path, silenced, "prodserver", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "qcluster" in result.stdout
    assert result.stderr == ""


def test_skip_checks_still_refuses_what_cannot_run(tmp_path: Path) -> None:
    setting = f"""
        PRODUCTION_PROCESSES = {{
            "web": {{"BACKEND": "{GUNICORN}", "ARGS": {{"workers": {{}}}}}},
            "odd": {{"BACKEND": "{GUNICORN}", "ARGS": {{"worker": 2}}}},
        }}
    """
    result = manage_with_settings(
        tmp_path, setting, "prodserver", "web", "--dry-run", "--skip-checks"
    )
    assert result.returncode == 1
    assert "prodserver.E008" in result.stderr
    assert "Traceback" not in result.stderr
    skipped = manage_with_settings(
        tmp_path, setting, "prodserver", "odd", "--dry-run", "--skip-checks"
    )
    assert skipped.returncode == 0
    assert skipped.stderr == ""  # the W002 warning is one of the skipped checks


def test_a_custom_backend_that_needs_app_runs_with_it(tmp_path: Path) -> None:
    setting = setting_of(
        {"worker": {"BACKEND": APP_PROBE, "APP": "mysite.wsgi.application"}}
    )
    result = manage_with_settings(tmp_path, setting, "prodserver", "worker")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mysite.wsgi:application"


def test_traceback_option_shows_where_a_backend_failed(tmp_path: Path) -> None:
    setting = setting_of({"web": {"BACKEND": "case_backends.Broken"}})
    result = manage_with_settings(
        tmp_path,
        setting,
        *("prodserver", "web", "--dry-run", "--traceback"),
        files=CASE_BACKENDS,
    )
    assert result.returncode == 1
    assert "in build_argv" in result.stderr
    assert "IndexError: list index out of range" in result.stderr


@pytest.mark.parametrize(
    ("key", "meant"), [("ARG", "ARGS"), ("Args", "ARGS"), ("BACKENDS", "BACKEND")]
)
def test_e014_says_which_key_was_meant(key: str, meant: str) -> None:
    (message,) = found(web(**{key: {}}), "prodserver.E014")
    assert message.hint == f"Did you mean {meant!r}? Entry keys are upper case."


def test_a_misspelt_args_key_stops_the_command(tmp_path: Path) -> None:
    """With "ARG", gunicorn would run without its options (and bind elsewhere)."""
    setting = setting_of(
        {"web": {"BACKEND": GUNICORN, "ARG": {"bind": "0.0.0.0:5000"}}}
    )
    result = manage_with_settings(tmp_path, setting, "prodserver", "web", "--dry-run")
    assert result.returncode == 1
    assert "prodserver.E014" in result.stderr
    assert "Did you mean 'ARGS'?" in result.stderr
    assert "Traceback" not in result.stderr
    check = manage_with_settings(tmp_path, setting, "check")
    assert check.returncode == 1
    assert "prodserver.E014" in check.stderr


HOSTILE_SETTINGS = [
    pytest.param(
        f"PRODUCTION_PROCESSES = {{'web': {{'BACKEND': '{GUNICORN}', "
        "'ARGS': {'w': 10**5000}}}",
        id="huge",
    ),
    pytest.param(
        "PRODUCTION_PROCESSES = {'web': {'BACKEND': 'case_backends.Exits'}}",
        id="module-exits",
    ),
    pytest.param(
        "from collections import UserDict\n\n"
        "class Raising(UserDict):\n"
        "    def __iter__(self):\n"
        "        raise RuntimeError('no reading')\n\n"
        "PRODUCTION_PROCESSES = Raising(web={})\n",
        id="raising-setting",
    ),
]
COMMANDS = [("check",), ("prodserver", "web", "--dry-run"), ("prodserver", "--list")]


@pytest.mark.parametrize("setting", HOSTILE_SETTINGS)
def test_hostile_settings_end_in_one_line_not_a_traceback(
    tmp_path: Path, setting: str
) -> None:
    files = {"case_backends.py": "import sys\n\nsys.exit(3)\n"}
    for args in COMMANDS:
        result = manage_with_settings(tmp_path, setting, *args, files=files)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output
        assert "prodserver.E0" in output, output
        # --list names a broken entry with its error, and succeeds
        listed = args[-1] == "--list" and "web " in result.stdout
        assert result.returncode == (0 if listed else 1), (args, result)


def test_dry_run_shell_line_of_every_accepted_env_runs_nothing(tmp_path: Path) -> None:
    """The ``ENV`` values are assigned by ``sh``, never run, whatever they hold."""
    marker = tmp_path / "PWNED"
    env = {"A_B": f"$(touch {marker})", "C": f"`touch {marker}`;touch {marker}\t"}
    setting = setting_of({"web": {"BACKEND": GUNICORN, "ENV": env}})
    result = manage_with_settings(tmp_path, setting, "prodserver", "web", "--dry-run")
    assert result.returncode == 0, result.stderr
    script = result.stdout.rstrip("\n")
    # Run the line with the program replaced: `env` shows what sh assigned.
    argv = shlex.split(script)
    words = [w for w in argv if "=" not in w or w.startswith("-")]
    program = script.rindex(shlex.join(words))
    shown = subprocess.run(
        ["sh", "-c", script[:program] + " env"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert f"A_B={env['A_B']}" in shown.stdout
    assert f"C={env['C']}" in shown.stdout
    assert not marker.exists()
