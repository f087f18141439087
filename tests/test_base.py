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
