"""Copies of one process: what sets copy i apart (its port, its Celery node
name, gunicorn's control socket), how the resolver names them, and which copy
``PRODSERVER_COPY`` picks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from django_prodserver.backends.copies import (
    COPY_VARIABLE,
    copy_number,
    node_name_of_copy,
)
from django_prodserver.config.environment import LaunchContext
from django_prodserver.exceptions import ConfigurationError
from django_prodserver.launch.plan import Plan
from django_prodserver.launch.resolver import resolve
from django_prodserver.validation.entries import check_entry
from tests.test_resolver import (
    APP,
    BACKENDS,
    BEAT,
    GUNICORN,
    UVICORN,
    WAITRESS,
    WORKER,
)

HYPERCORN = f"{BACKENDS}.hypercorn.HypercornServer"


def copies(
    entry: dict[str, Any],
    count: int,
    *extra_args: str,
    environ: dict[str, str] | None = None,
) -> list[Plan]:
    """The plans of entry "p" run as ``count`` copies."""
    context = LaunchContext.current()
    if environ is not None:
        context = replace(context, environ=environ)
    checked = check_entry("p", entry, context)
    assert checked.backend is not None, checked.messages
    checked.backend.config = replace(checked.backend.config, replicas=count)
    return resolve(checked.backend, context, list(extra_args))


def option(plan: Plan, name: str) -> list[str]:
    """The values of ``--name=value`` and ``--name value`` words of the plan."""
    argv = list(plan.argv)
    found = [w.split("=", 1)[1] for w in argv if w.startswith(f"--{name}=")]
    found += [argv[i + 1] for i, w in enumerate(argv[:-1]) if w == f"--{name}"]
    return found


# (entry, arguments after --, the option, its values in copies 1, 2, 3)
ADDRESSES = [
    pytest.param(
        {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8000"}}, [], "bind",
        [["127.0.0.1:8000"], ["127.0.0.1:8001"], ["127.0.0.1:8002"]],
        id="gunicorn-bind",
    ),
    pytest.param(
        {"BACKEND": GUNICORN, "ARGS": {"bind": ["127.0.0.1:8000", "[::1]:9000"]}},
        [], "bind",
        [["127.0.0.1:8000", "[::1]:9000"], ["127.0.0.1:8001", "[::1]:9001"],
         ["127.0.0.1:8002", "[::1]:9002"]],
        id="gunicorn-two-binds",
    ),
    pytest.param(
        {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8000"}},
        ["--bind", "127.0.0.1:7000"], "bind",
        [["127.0.0.1:7000"], ["127.0.0.1:7001"], ["127.0.0.1:7002"]],
        id="gunicorn-after-dashes",
    ),
    pytest.param(
        {"BACKEND": GUNICORN, "ARGS": {"bind": "unix:/tmp/web.sock"}}, [], "bind",
        [["unix:/tmp/web.sock"]] * 3, id="gunicorn-unix-socket-as-is",
    ),
    pytest.param(
        {"BACKEND": UVICORN, "ARGS": {"host": "0.0.0.0", "port": 8000}}, [], "port",
        [["8000"], ["8001"], ["8002"]], id="uvicorn-port",
    ),
    pytest.param(
        {"BACKEND": UVICORN}, [], "port", [[], ["8001"], ["8002"]],
        id="uvicorn-default-port",
    ),
    pytest.param(
        {"BACKEND": WAITRESS, "ARGS": {"listen": "127.0.0.1:8000"}}, [], "listen",
        [["127.0.0.1:8000"], ["127.0.0.1:8001"], ["127.0.0.1:8002"]],
        id="waitress-listen",
    ),
    pytest.param(
        {"BACKEND": HYPERCORN, "ARGS": {"bind": "0.0.0.0:8000"}}, [], "bind",
        [["0.0.0.0:8000"], ["0.0.0.0:8001"], ["0.0.0.0:8002"]], id="hypercorn-bind",
    ),
    pytest.param(
        {"BACKEND": WORKER, "APP": APP}, [], "hostname",
        [["p.1@%h"], ["p.2@%h"], ["p.3@%h"]], id="celery-default-node",
    ),
    pytest.param(
        {"BACKEND": WORKER, "APP": APP, "ARGS": {"hostname": "mail@%h"}}, [],
        "hostname", [["mail.1@%h"], ["mail.2@%h"], ["mail.3@%h"]],
        id="celery-own-node",
    ),
    pytest.param(
        {"BACKEND": WORKER, "APP": APP}, ["--hostname=box.example"], "hostname",
        [["p.1@box.example"], ["p.2@box.example"], ["p.3@box.example"]],
        id="celery-host-only",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "extra", "name", "expected"), ADDRESSES)
def test_each_copy_listens_or_names_itself_apart(
    entry: dict[str, Any], extra: list[str], name: str, expected: list[list[str]]
) -> None:
    plans = copies(entry, 3, *extra)
    assert [plan.name for plan in plans] == ["p.1", "p.2", "p.3"]
    assert [option(plan, name) for plan in plans] == expected
    assert [plan.env[COPY_VARIABLE] for plan in plans] == ["1", "2", "3"]
    assert not any(plan.can_exec for plan in plans)


@pytest.mark.parametrize(
    ("entry", "name", "expected"),
    [
        ({"BACKEND": GUNICORN}, "bind", ["0.0.0.0:5000", "0.0.0.0:5001"]),
        ({"BACKEND": UVICORN}, "port", ["5000", "5001"]),
    ],
)
def test_copies_on_a_port_platform_take_port_and_the_next(
    entry: dict[str, Any], name: str, expected: list[str]
) -> None:
    plans = copies(entry, 2, environ={"PORT": "5000"})
    assert [option(plan, name) for plan in plans] == [[port] for port in expected]


def test_gunicorn_copies_have_their_own_control_sockets() -> None:
    plans = copies({"BACKEND": GUNICORN}, 3)
    sockets = [option(plan, "control-socket") for plan in plans]
    if not sockets[0]:
        pytest.skip("this gunicorn has no control socket")
    assert len({tuple(s) for s in sockets}) == 3


def test_one_copy_is_the_entry_as_before() -> None:
    (plan,) = copies({"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8000"}}, 1)
    assert plan.name == "p"
    assert COPY_VARIABLE not in plan.env
    assert option(plan, "bind") == ["127.0.0.1:8000"]


@pytest.mark.parametrize(("variable", "port"), [("1", "8000"), ("3", "8002")])
def test_the_copy_variable_picks_one_copy(variable: str, port: str) -> None:
    entry = {"BACKEND": UVICORN, "ARGS": {"port": 8000}}
    (plan,) = copies(entry, 3, environ={COPY_VARIABLE: variable})
    assert plan.name == f"p.{variable}"
    assert option(plan, "port") == [port]


@pytest.mark.parametrize("entry", [{"BACKEND": BEAT, "APP": APP}])
def test_a_process_that_runs_once_is_never_a_copy(entry: dict[str, Any]) -> None:
    (plan,) = copies(entry, 1, environ={COPY_VARIABLE: "2"})
    assert plan.name == "p"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, None), ({COPY_VARIABLE: ""}, None), ({COPY_VARIABLE: "4"}, 4)],
)
def test_copy_number(environ: dict[str, str], expected: int | None) -> None:
    assert copy_number(environ) == expected


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5", "٣"])
def test_a_copy_variable_that_is_no_number_is_refused(text: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        copy_number({COPY_VARIABLE: text})
    assert caught.value.check_id == "prodserver.E029"
    assert caught.value.returncode == 2


@pytest.mark.parametrize(
    ("hostname", "index", "expected"),
    [
        (None, 2, "web.2@%h"),
        ("mail@%h", 3, "mail.3@%h"),
        ("box.example", 1, "web.1@box.example"),
        ("@%h", 2, "web.2@%h"),
        ("mail@", 2, "mail.2@%h"),
    ],
)
def test_node_name_of_copy(hostname: str | None, index: int, expected: str) -> None:
    assert node_name_of_copy(hostname, "web", index) == expected
