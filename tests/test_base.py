"""The backend base classes: option values and where a web server listens."""

from __future__ import annotations

import sys
from collections.abc import Mapping

import pytest

from django_prodserver.backends.base import (
    ManagementCommandBackend,
    ProcessConfig,
    WebServerBackend,
)
from django_prodserver.backends.management import command_rules
from django_prodserver.backends.web import BindServerBackend
from django_prodserver.config.addresses import Address
from django_prodserver.config.options import OptionRules


class HostPortServer(WebServerBackend):
    """A program with ``--host`` and ``--port``, as uvicorn and granian have."""

    program = "host-port-server"
    option_rules = OptionRules(aliases={"address": "host"})

    def build_argv(self, options: list[str]) -> list[str]:
        return [self.program or "", *options]


def addresses_of(
    args: Mapping[str, object], environ: Mapping[str, str] | None = None
) -> list[Address]:
    config = ProcessConfig("web", "tests.test_base.HostPortServer", args=args)  # type: ignore[arg-type]
    return HostPortServer(config, environ or {}).listen_addresses()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, [("127.0.0.1", 8000)]),
        ({"host": "0.0.0.0", "port": 8001}, [("0.0.0.0", 8001)]),
        ({"port": "8002"}, [("127.0.0.1", 8002)]),
        ({"host": "10.0.0.5"}, [("10.0.0.5", 8000)]),
        ({"address": "10.0.0.6", "port": 1}, [("10.0.0.6", 1)]),  # an alias counts
        ({"host": ["a", "b"], "port": 5}, [("a", 5), ("b", 5)]),
        ({"port": "not-a-port"}, []),
        ({"uds": "/run/web.sock"}, []),
        ({"fd": 3, "port": 8000}, []),
    ],
)
def test_generic_listen_addresses(
    args: dict[str, object], expected: list[Address]
) -> None:
    assert addresses_of(args) == expected


def test_port_from_the_environment_is_the_default_address() -> None:
    assert addresses_of({}, {"PORT": "5000"}) == [("0.0.0.0", 5000)]
    assert addresses_of({"port": 81}, {"PORT": "5000"}) == [("127.0.0.1", 81)]


def test_option_values_take_args_first_then_defaults() -> None:
    config = ProcessConfig("web", "x", args={"max_requests": 5, "address": "h"})
    backend = HostPortServer(config, {"PORT": "5000"})
    assert backend.option_values() == {"max-requests": 5, "host": "h"}
    config = ProcessConfig("web", "x", args={"max_requests": 5})
    backend = HostPortServer(config, {"PORT": "5000"})
    assert backend.option_values() == {
        "max-requests": 5,
        "host": "0.0.0.0",
        "port": "5000",
    }


class ShowMigrations(ManagementCommandBackend):
    """A management command as a process, the way the worker backends are built."""

    program = command = "showmigrations"


def test_management_command_backend_runs_python_m_django() -> None:
    config = ProcessConfig("m", "x", args={"verbosity": 2, "plan": True})
    backend = ShowMigrations(config, {})
    assert backend.commands([]) == [
        [sys.executable, "-m", "django", "showmigrations", "--verbosity=2", "--plan"]
    ]


class GracefulServer(HostPortServer):
    """A server whose ``--graceful`` bounds its stop, 3 s unless set."""

    graceful_option, graceful_default = "graceful", 3.0
    graceful_variable = "GRACEFUL"


class UnboundedServer(HostPortServer):
    """A server that waits for its requests unless ``--graceful`` bounds it."""

    graceful_option = "graceful"


@pytest.mark.parametrize(
    ("backend", "argv", "environ", "expected"),
    [
        (HostPortServer, ["--graceful=1"], {}, 10.0),  # no option declared
        (GracefulServer, [], {}, 3.0 + 5.0),
        (GracefulServer, ["--graceful=20"], {}, 25.0),
        (GracefulServer, ["--graceful=1", "--graceful=2"], {}, 7.0),  # last wins
        (GracefulServer, [], {"GRACEFUL": "12"}, 17.0),
        (GracefulServer, ["--graceful=1"], {"GRACEFUL": "12"}, 6.0),
        (GracefulServer, ["--graceful=soon"], {}, 8.0),  # not a number: default
        (UnboundedServer, [], {}, None),
        (UnboundedServer, ["--graceful", "4"], {}, 9.0),
    ],
)
def test_declared_graceful_option_gives_the_stop_budget(
    backend: type[HostPortServer],
    argv: list[str],
    environ: dict[str, str],
    expected: float | None,
) -> None:
    config = ProcessConfig("web", "x")
    assert backend(config, environ).default_stop_timeout(argv) == expected


class AsgiServer(HostPortServer):
    asgi = True


@pytest.mark.parametrize(
    ("backend", "app", "expected"),
    [
        (HostPortServer, None, "mysite.wsgi:application"),
        (AsgiServer, None, "mysite.asgi:application"),
        (AsgiServer, "other.asgi.app", "other.asgi:app"),
    ],
)
def test_asgi_declaration_chooses_the_target(
    backend: type[HostPortServer], app: str | None, expected: str
) -> None:
    config = ProcessConfig("web", "x", app=app)
    assert backend(config, {}).target() == expected


class BindServer(BindServerBackend):
    program = "bind-server"

    def build_argv(self, options: list[str]) -> list[str]:
        return [self.program or "", *options]


def test_bind_server_listens_on_its_binds_and_binds_port() -> None:
    config = ProcessConfig("web", "x", args={"bind": ["10.0.0.1:81", "unix:/s"]})
    assert BindServer(config, {}).listen_addresses() == [("10.0.0.1", 81)]
    backend = BindServer(ProcessConfig("web", "x"), {"PORT": "5000"})
    assert backend.commands([]) == [["bind-server", "--bind=0.0.0.0:5000"]]


class AppCommand(ManagementCommandBackend):
    program = command = "app_command"
    option_rules = command_rules(flags="once", values="queue", short="q=queue")


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        ("django.contrib.auth", []),
        (
            "no_such_app",
            [
                "prodserver.E011",
                "PRODUCTION_PROCESSES['w']: app_command needs the app in "
                "INSTALLED_APPS",
                'Add "no_such_app".',
            ],
        ),
    ],
)
def test_declared_django_app_is_checked(app: str, expected: list[str]) -> None:
    class Declared(AppCommand):
        django_app = (app, "the app", f'Add "{app}".')

    messages = Declared(ProcessConfig("w", "x"), {}).check_config()
    found = [[m.id, m.msg, m.hint] for m in messages if m.id != "prodserver.W001"]
    assert found == ([expected] if expected else [])


def test_command_rules_add_what_every_django_command_takes() -> None:
    config = ProcessConfig("w", "x", args={"once": True, "traceback": True})
    backend = AppCommand(config, {})
    argv = backend.commands(["-q", "high", "-v", "2"])[0]
    assert argv[-6:] == ["--once", "--traceback", "-q", "high", "-v", "2"]
    assert backend.option_in_argv(argv, "verbosity") == "2"
    assert backend.option_in_argv(argv, "queue") == "high"
    assert AppCommand.option_rules.known >= {"settings", "no-color", "once", "queue"}
