"""uWSGI (the pyuwsgi wheel) through ``prodserver``: argv tables, addresses and
real servers, stopped gracefully by SIGTERM."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from django_prodserver.backends import programs
from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.uwsgi import (
    APP_OPTIONS,
    CONFIG_FILE_OPTIONS,
    GRACEFUL_TERM_HOOK,
    LISTEN_OPTIONS,
    UWSGIServer,
)
from tests.commands import entry_messages
from tests.parsers import uwsgi_help
from tests.processes import (
    REAL_SERVER_CHECKS,
    UWSGI_SERVER,
    RealServerCheck,
    backend_argv,
    launch,
    manage,
    wait_for_http,
    wait_until,
)

UWSGI = "django_prodserver.backends.uwsgi.UWSGIServer"
MODULE = "--module=mysite.wsgi:application"
HOOK = f"--hook-master-start={GRACEFUL_TERM_HOOK}"


def defaults(app: bool = True, address: str | None = "127.0.0.1:8000") -> list[str]:
    """What prodserver adds after the ARGS options."""
    return [
        "--master",
        *([MODULE] if app else []),
        *([f"--http-socket={address}"] if address else []),
        "--need-app",
        f"--binary-path={programs.python()}",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, defaults()),
        (
            {"http-socket": "0.0.0.0:8000", "processes": 4},
            ["--http-socket=0.0.0.0:8000", "--processes=4", *defaults(address=None)],
        ),
        (
            {"http_socket": ":8000", "harakiri": 30},
            ["--http-socket=:8000", "--harakiri=30", *defaults(address=None)],
        ),
        ({"http": ":8000"}, ["--http=:8000", *defaults(address=None)]),
        (
            {"socket": "/run/uwsgi.sock", "chmod-socket": 660},
            ["--socket=/run/uwsgi.sock", "--chmod-socket=660", *defaults(address=None)],
        ),
        ({"s": "127.0.0.1:3031"}, ["--socket=127.0.0.1:3031", *defaults(address=None)]),
        ({"p": 2}, ["--processes=2", *defaults()]),
        ({"enable-threads": True, "threads": 2}, [
            "--enable-threads", "--threads=2", *defaults(),
        ]),
        ({"vacuum": "yes", "lazy-apps": False}, ["--vacuum", *defaults()]),
        # The application named another way: no --module.
        ({"wsgi-file": "site/wsgi.py"}, ["--wsgi-file=site/wsgi.py", *defaults(False)]),
        ({"w": "other.wsgi"}, ["--module=other.wsgi", *defaults(False)]),
        # A configuration file chooses the application and the address.
        ({"ini": "uwsgi.ini"}, ["--ini=uwsgi.ini", *defaults(False, None)]),
        # Options of uWSGI's that keep their underscore.
        ({"pivot-root": "/a /b"}, ["--pivot_root=/a /b", *defaults()]),
        ({"static-map": ["/s=/srv/s", "/m=/srv/m"]}, [
            "--static-map=/s=/srv/s", "--static-map=/m=/srv/m", *defaults(),
        ]),
        # Taken off.
        ({"need-app": False}, defaults()[:3] + defaults()[4:]),
        ({"master": "false"}, defaults()[1:]),
    ],
)  # fmt: skip
def test_argv(args: dict[str, Any], expected: list[str]) -> None:
    assert backend_argv(UWSGIServer, args) == [HOOK, *expected]


@pytest.mark.parametrize(
    ("args", "extra", "environ", "expected"),
    [
        ({}, [], {"PORT": "5000"}, defaults(address="0.0.0.0:5000")),
        (
            {"http": "0.0.0.0:80"}, [], {"PORT": "5000"},
            ["--http=0.0.0.0:80", *defaults(address=None)],
        ),
        ({"ini": "u.ini"}, [], {"PORT": "80"}, ["--ini=u.ini", *defaults(False, None)]),
        (
            {"processes": 4}, ["-p", "2"], {},
            [*defaults(), "-p", "2"],
        ),
        (
            {"http-socket": "127.0.0.1:8000"}, ["--http-socket=127.0.0.1:9000"], {},
            [*defaults(address=None), "--http-socket=127.0.0.1:9000"],
        ),
    ],
)  # fmt: skip
def test_port_default_and_overrides(
    args: dict[str, Any], extra: list[str], environ: dict[str, str], expected: list[str]
) -> None:
    assert backend_argv(UWSGIServer, args, extra, environ) == [HOOK, *expected]


def test_a_compiled_uwsgi_needs_no_binary_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ``uwsgi`` package's program (not a Python script) re-executes itself."""
    compiled = tmp_path / "uwsgi"
    compiled.write_bytes(b"\x7fELF\x02\x01\x01")
    monkeypatch.setattr(programs, "find_script", lambda name: str(compiled))
    monkeypatch.setattr(programs, "is_installed", lambda name: False)
    assert UWSGIServer.is_installed()
    backend = UWSGIServer(ProcessConfig("web", UWSGI, None, {}))
    (argv,) = backend.commands([])
    assert argv[0] == str(compiled)
    assert not [word for word in argv if word.startswith("--binary-path")]


def test_the_hook_is_added_to_those_of_args() -> None:
    argv = backend_argv(UWSGIServer, {"hook-master-start": "exec:true"})
    assert argv[:2] == [HOOK, "--hook-master-start=exec:true"]


@pytest.mark.parametrize(
    ("args", "addresses"),
    [
        ({}, [("127.0.0.1", 8000)]),
        ({"http-socket": ":8001"}, [("0.0.0.0", 8001)]),
        (
            {"http": "0.0.0.0:80", "socket": ["127.0.0.1:3031", "/run/u.sock"]},
            [("0.0.0.0", 80), ("127.0.0.1", 3031)],
        ),
        ({"socket": "@abstract"}, []),
        ({"shared-socket": "0.0.0.0:80", "http": "=0"}, [("0.0.0.0", 80)]),
        ({"ini": "uwsgi.ini"}, []),
    ],
)
def test_listen_addresses(args: dict[str, Any], addresses: list[Any]) -> None:
    backend = UWSGIServer(ProcessConfig("web", UWSGI, None, args))
    assert backend.listen_addresses() == addresses


def test_option_groups_are_uwsgi_options() -> None:
    known = UWSGIServer.option_rules.known
    assert known >= APP_OPTIONS | LISTEN_OPTIONS | CONFIG_FILE_OPTIONS
    assert {"master", "need-app", "binary-path", "hook-master-start"} <= known


def test_signals() -> None:
    assert UWSGIServer.stop_signal == "SIGTERM"
    assert UWSGIServer.accepted_signals == {
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1",
    }  # fmt: skip


def test_unknown_option_did_you_mean() -> None:
    entry = {"BACKEND": UWSGI, "ARGS": {"http-sockett": ":8000", "harakiri": 30}}
    (message,) = entry_messages("web", entry)
    assert message.id == "prodserver.W002"
    assert message.hint == "Did you mean 'http-socket'?"


@pytest.mark.integration
@pytest.mark.parametrize("check", REAL_SERVER_CHECKS, ids=lambda c: c.__name__[6:])
def test_real_server(check: RealServerCheck, tmp_path: Path, port: int) -> None:
    check(UWSGI_SERVER, tmp_path, port)


@pytest.mark.integration
def test_hup_reloads_the_workers_in_place(tmp_path: Path, port: int) -> None:
    """``--binary-path`` lets uWSGI re-execute itself from a virtualenv."""
    with launch(UWSGI_SERVER.argv(port), tmp_path) as launched:
        _, before = UWSGI_SERVER.wait_until_ready(launched, port)
        assert isinstance(before, dict)
        launched.signal(signal.SIGHUP)
        launched.wait_for_text("binary reloading uWSGI")

        def new_workers() -> bool:
            _, after = wait_for_http(UWSGI_SERVER.url(port), launched.proc)
            return isinstance(after, dict) and after["pid"] != before["pid"]

        assert wait_until(new_workers, timeout=30), launched.text()
        # The new master and its workers run their hooks again.
        UWSGI_SERVER.wait_until_ready(launched, port, starts=2)
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()


@pytest.mark.integration
def test_without_the_application_it_exits(tmp_path: Path, port: int) -> None:
    """``--need-app``: an application that cannot be imported stops uWSGI rather
    than leaving it to answer every request with a 500."""
    argv = UWSGI_SERVER.argv(port, "--module=mysite.no_such_module:application")
    with launch(argv, tmp_path) as launched:
        assert launched.wait(timeout=60) != 0
    assert "no app loaded" in launched.text()


@pytest.mark.integration
def test_dry_run() -> None:
    result = manage(
        "prodserver", "uwsgi", "--settings=mysite.settings_web", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert f"uwsgi '{HOOK}' --http-socket=127.0.0.1:8008 --processes=2 --master " in (
        result.stdout
    )


# -- the installed uWSGI ---------------------------------------------------------


def test_every_uwsgi_option_is_known() -> None:
    """The option list is the one ``uwsgi --help`` prints (uWSGI refuses unknown
    options, so an extra name would be an error too). Its stop has no budget
    to compare: uWSGI sets no bound on a graceful stop."""
    program = UWSGIServer(ProcessConfig("web", UWSGI)).program_argv()[0]
    options, shorts = uwsgi_help(program)
    assert options == UWSGIServer.option_rules.known
    assert shorts == UWSGIServer.option_rules.short
