"""The development servers (``backends.dev``): runserver, daphne's runserver and
runserver_plus; their argv tables and checks, real servers that reload and stop
cleanly, and the whole development stack started with one command."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.dev import daphne as dev_daphne
from django_prodserver.backends.dev.base import RunserverBackend, addrport_address
from django_prodserver.backends.dev.daphne import DaphneRunserver
from django_prodserver.backends.dev.django_runserver import DjangoRunserver
from django_prodserver.backends.dev.werkzeug import RunserverPlus
from tests.commands import entry_messages, plans_of
from tests.processes import (
    HOST,
    WebServer,
    backend_argv,
    check_serves_and_stops,
    example_env,
    launch,
    manage_with_settings,
    prodserver,
    records,
    shell,
    wait_for_http,
    wait_until,
)

DEV = "django_prodserver.backends.dev"
RUNSERVER = f"{DEV}.django_runserver.DjangoRunserver"
DAPHNE_RUNSERVER = f"{DEV}.daphne.DaphneRunserver"
RUNSERVER_PLUS = f"{DEV}.werkzeug.RunserverPlus"
STATICFILES = "django.contrib.staticfiles"
ASGI_APPLICATION = "mysite.asgi.application"


# -- command lines -------------------------------------------------------------

#: ARGS of every runserver (the keys of the published django-prodserver 3.0).
RUNSERVER_CASES = [
    ({}, []),
    ({"addrport": "8000"}, ["8000"]),
    ({"addrport": 8000}, ["8000"]),
    ({"addrport": "0.0.0.0:8000"}, ["0.0.0.0:8000"]),
    ({"addrport": "[::1]:8000", "ipv6": True}, ["--ipv6", "[::1]:8000"]),
    ({"noreload": True}, ["--noreload"]),
    ({"noreload": False}, []),
    ({"nothreading": "True", "addrport": "8001"}, ["--nothreading", "8001"]),
    ({"nostatic": True, "insecure": True}, ["--nostatic", "--insecure"]),
    ({"skip_checks": True}, ["--skip-checks"]),
    ({"verbosity": 2}, ["--verbosity=2"]),
    ({"6": True}, ["--ipv6"]),
]


@pytest.mark.parametrize(("args", "expected"), RUNSERVER_CASES)
def test_runserver_argv(args: dict[str, Any], expected: list[str]) -> None:
    assert backend_argv(DjangoRunserver, args) == expected


@pytest.mark.parametrize(
    ("backend", "command"),
    [
        (DjangoRunserver, "runserver"),
        (DaphneRunserver, "runserver"),
        (RunserverPlus, "runserver_plus"),
    ],
)
def test_the_program_is_the_management_command(
    backend: type[RunserverBackend], command: str
) -> None:
    instance = backend(ProcessConfig("web", "x.Y", None, {}))
    assert instance.program_argv()[1:] == ["-m", "django", command]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        *RUNSERVER_CASES,
        ({"noasgi": True}, ["--noasgi"]),
        ({"http_timeout": 30}, ["--http_timeout=30"]),
        ({"http-timeout": 30}, ["--http_timeout=30"]),
        ({"websocket_handshake_timeout": 5}, ["--websocket_handshake_timeout=5"]),
        ({"websocket_max_message_size": 1024}, ["--websocket-max-message-size=1024"]),
    ],
)
def test_daphne_runserver_argv(args: dict[str, Any], expected: list[str]) -> None:
    assert backend_argv(DaphneRunserver, args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        *[case for case in RUNSERVER_CASES if "skip_checks" not in case[0]],
        ({"nopin": True}, ["--nopin"]),
        ({"threaded": True, "print_sql": True}, ["--threaded", "--print-sql"]),
        (
            {"cert_file": "/c.crt", "key_file": "/c.key"},
            ["--cert-file=/c.crt", "--key-file=/c.key"],
        ),
        (
            {"extra_files": ["a.py", "b.py"]},
            ["--extra-file=a.py", "--extra-file=b.py"],
        ),
        ({"exclude_patterns": ["*.tmp"]}, ["--exclude-pattern=*.tmp"]),
        ({"reloader_type": "stat", "reloader_interval": 2}, [
            "--reloader-type=stat", "--reloader-interval=2",
        ]),
        ({"startup_messages": "always"}, ["--startup-messages=always"]),
    ],
)  # fmt: skip
def test_runserver_plus_argv(args: dict[str, Any], expected: list[str]) -> None:
    assert backend_argv(RunserverPlus, args) == expected


@pytest.mark.parametrize(
    ("args", "extra", "environ", "expected"),
    [
        ({}, [], {"PORT": "5000"}, ["0.0.0.0:5000"]),
        ({"ipv6": True}, [], {"PORT": "5000"}, ["--ipv6", "[::]:5000"]),
        ({"addrport": "8000"}, [], {"PORT": "5000"}, ["8000"]),
        # An address after -- replaces the configured one.
        ({"addrport": "8000"}, ["127.0.0.1:9000"], {}, ["127.0.0.1:9000"]),
        (
            {"addrport": "8000", "noreload": True}, ["-v", "2", "9000"], {},
            ["--noreload", "-v", "2", "9000"],
        ),
        ({"addrport": "8000"}, ["--nothreading"], {}, ["--nothreading", "8000"]),
        ({"addrport": "8000"}, ["--verbosity", "2"], {}, ["--verbosity", "2", "8000"]),
    ],
)  # fmt: skip
def test_port_default_and_overrides(
    args: dict[str, Any], extra: list[str], environ: dict[str, str], expected: list[str]
) -> None:
    assert backend_argv(DjangoRunserver, args, extra, environ) == expected


@pytest.mark.parametrize(
    ("args", "addresses"),
    [
        ({}, [("127.0.0.1", 8000)]),
        ({"ipv6": True}, [("::1", 8000)]),
        ({"addrport": "8001"}, [("127.0.0.1", 8001)]),
        ({"addrport": "0:8001"}, [("0.0.0.0", 8001)]),
        ({"addrport": "[::]:8001"}, [("::", 8001)]),
        ({"addrport": "localhost:8001"}, [("localhost", 8001)]),
        ({"addrport": "not an address"}, []),
    ],
)
def test_listen_addresses(args: dict[str, Any], addresses: list[Any]) -> None:
    backend = DjangoRunserver(ProcessConfig("web", RUNSERVER, None, args))
    assert backend.listen_addresses() == addresses


def test_addrport_without_a_port_is_refused() -> None:
    assert addrport_address("127.0.0.1", ipv6=False) is None


@pytest.mark.parametrize("backend", [DjangoRunserver, DaphneRunserver, RunserverPlus])
def test_signals(backend: type[RunserverBackend]) -> None:
    assert backend.stop_signal == "SIGTERM"
    assert backend.accepted_signals == {"SIGINT", "SIGTERM"}


# -- checks --------------------------------------------------------------------


@pytest.fixture
def development_project(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings as a development project has them for every development server:
    django-extensions installed, ``ASGI_APPLICATION`` set, and daphne's runserver
    taken as the one that runs. (daphne's app is not loaded into the test
    process: it would install its reactor and a system check for good.)"""
    monkeypatch.setattr(dev_daphne, "provider_of", lambda command: "daphne")
    apps = [*installed_apps(), "django_extensions"]
    with override_settings(INSTALLED_APPS=apps, ASGI_APPLICATION=ASGI_APPLICATION):
        yield


def installed_apps() -> list[str]:
    from django.conf import settings

    return list(settings.INSTALLED_APPS)


@pytest.mark.usefixtures("development_project")
@pytest.mark.parametrize(
    ("backend", "key", "suggestion"),
    [
        (RUNSERVER, "no-reload", "noreload"),
        (RUNSERVER, "addr_port", "addrport"),
        (DAPHNE_RUNSERVER, "websocket_timeout", "websocket_handshake_timeout"),
        (RUNSERVER_PLUS, "no_pin", "nopin"),
        (RUNSERVER_PLUS, "reloader", "reloader-type"),
    ],
)
def test_unknown_option_did_you_mean(backend: str, key: str, suggestion: str) -> None:
    (message,) = entry_messages("web", {"BACKEND": backend, "ARGS": {key: 1}})
    assert message.id == "prodserver.W002"
    assert message.hint == f"Did you mean {suggestion!r}?"


@pytest.mark.usefixtures("development_project")
@pytest.mark.parametrize(
    ("backend", "key"),
    [
        (RUNSERVER_PLUS, "use_debugger"),
        (RUNSERVER_PLUS, "processes"),
        (DAPHNE_RUNSERVER, "ping_interval"),
        (DAPHNE_RUNSERVER, "unix_socket"),
    ],
)
def test_keys_of_the_published_in_process_servers_are_left_out(
    backend: str, key: str
) -> None:
    """3.0 ran its own development servers in Django's process, with options
    the commands do not have: those keys are left out, with a warning."""
    entry = {"BACKEND": backend, "ARGS": {key: None, "addrport": "8000"}}
    (message,) = entry_messages("web", entry)
    (plan,) = plans_of(entry)
    assert message.id == "prodserver.W002"
    assert "django-prodserver 3.0" in message.msg
    assert "left out" in message.msg
    assert message.hint == "Remove the key."
    argv = plan["argv"]
    assert isinstance(argv, list)
    assert argv[-1] == "8000"
    option = "--" + key.replace("_", "-")
    assert not [word for word in argv if word.startswith(option)]


def test_static_options_set_to_false_are_not_reported() -> None:
    entry = {"BACKEND": RUNSERVER, "ARGS": {"nostatic": False, "insecure": False}}
    assert entry_messages("web", entry) == []


@pytest.mark.usefixtures("development_project")
@pytest.mark.parametrize("backend", [RUNSERVER, DAPHNE_RUNSERVER])
def test_static_options_need_staticfiles(backend: str) -> None:
    entry = {"BACKEND": backend, "ARGS": {"nostatic": True}}
    assert STATICFILES in installed_apps()
    assert entry_messages("web", entry) == []
    without = [app for app in installed_apps() if app != STATICFILES]
    with override_settings(INSTALLED_APPS=without):
        (message,) = entry_messages("web", entry)
    assert message.id == "prodserver.W002"
    assert STATICFILES in message.msg


def test_runserver_plus_needs_django_extensions() -> None:
    (message,) = entry_messages("web", {"BACKEND": RUNSERVER_PLUS})
    assert message.id == "prodserver.E011"
    assert "django_extensions" in message.hint
    apps = [*installed_apps(), "django_extensions"]
    with override_settings(INSTALLED_APPS=apps):
        assert entry_messages("web", {"BACKEND": RUNSERVER_PLUS}) == []


@pytest.mark.parametrize(
    ("apps", "asgi", "ids", "problem"),
    [
        ('["daphne", *INSTALLED_APPS]', True, [], ""),
        ("INSTALLED_APPS", True, ["prodserver.E011"], "it is not installed"),
        (
            '[*INSTALLED_APPS, "daphne"]', True, ["prodserver.E011"],
            "'django.contrib.staticfiles' comes before it",
        ),
        ('["daphne", *INSTALLED_APPS]', False, ["prodserver.E026"], "ASGI_APPLICATION"),
    ],
)  # fmt: skip
def test_daphne_runserver_needs_daphne_first_and_an_asgi_application(
    apps: str, asgi: bool, ids: list[str], problem: str, tmp_path: Path
) -> None:
    """Checked by ``manage.py check`` in a project of its own (daphne's app, once
    loaded, stays in the process that loaded it)."""
    processes = {"web": {"BACKEND": DAPHNE_RUNSERVER}}
    setting = (
        "from mysite.settings import INSTALLED_APPS\n"
        f"INSTALLED_APPS = {apps}\n"
        + (f"ASGI_APPLICATION = {ASGI_APPLICATION!r}\n" if asgi else "")
        + f"PRODUCTION_PROCESSES = {processes!r}\n"
    )
    result = manage_with_settings(tmp_path, setting, "check", "--tag", "prodserver")
    output = result.stdout + result.stderr
    found = re.findall(r"\((prodserver\.[EW]\d+)\) (.*)", output)
    assert [found_id for found_id, _ in found] == ids, output
    assert all(problem in text for _, text in found)
    assert result.returncode == (1 if ids else 0), output


# -- real servers --------------------------------------------------------------

ADDRESS = ("127.0.0.1:{port}",)
DEV_SERVERS = [
    WebServer("runserver", address=ADDRESS, single_process=False),
    WebServer("runserver_plus", address=ADDRESS, single_process=False),
    WebServer(
        "web",
        address=ADDRESS,
        single_process=False,
        settings="mysite.settings_daphne",
    ),
]


@pytest.mark.integration
@pytest.mark.parametrize("spawn", [False, True], ids=["exec", "spawn"])
@pytest.mark.parametrize("server", DEV_SERVERS, ids=["runserver", "plus", "daphne"])
def test_serves_and_stops_on_sigterm(
    server: WebServer, spawn: bool, tmp_path: Path, port: int
) -> None:
    """The launched process is the reloader; a worker process serves; SIGTERM
    stops both, with status 0."""
    check_serves_and_stops(server, tmp_path, port, spawn=spawn)


@pytest.mark.integration
@pytest.mark.parametrize("spawn", [False, True], ids=["exec", "spawn"])
def test_noreload_stops_on_sigterm(spawn: bool, tmp_path: Path, port: int) -> None:
    """Without the reloader runserver has no TERM handler and dies by the
    signal: a clean stop (exit status 0 in spawn mode)."""
    server = WebServer("runserver", address=ADDRESS)
    check_serves_and_stops(server, tmp_path, port, "--noreload", spawn=spawn)


@pytest.mark.integration
def test_daphne_runserver_is_daphnes(tmp_path: Path, port: int) -> None:
    server = DEV_SERVERS[2]
    with launch(server.argv(port), tmp_path) as launched:
        wait_for_http(server.url(port), launched.proc)
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0
    assert "Daphne" in launched.text()


@pytest.mark.integration
def test_runserver_reloads_on_a_code_change(tmp_path: Path, port: int) -> None:
    """The reloader starts a new server process when a module of the project
    changes (here: the settings module, written for the test)."""
    package = tmp_path / "devsite"
    package.mkdir()
    settings = package / "dev_settings.py"
    settings.write_text(
        "from mysite.settings_web import *  # noqa: F403\nSITE_LABEL = 'first'\n"
    )
    env = example_env(PYTHONPATH=str(package))
    argv = prodserver("runserver", "--settings=dev_settings", "--", f"{HOST}:{port}")
    url = f"http://{HOST}:{port}/"
    with launch(argv, tmp_path, env=env) as launched:
        _, first = wait_for_http(url, launched.proc)
        assert isinstance(first, dict)
        assert first["label"] == "first"
        changed = settings.read_text().replace("'first'", "'second'")

        def reloaded() -> bool:
            # Written again on every poll: the reloader notices a change only
            # against the modification time it first saw, and on a busy machine
            # the server can answer before the reloader has looked at the file.
            settings.write_text(changed)
            try:
                _, body = wait_for_http(url, launched.proc, timeout=5)
            except AssertionError:
                return False
            return isinstance(body, dict) and body["label"] == "second"

        assert wait_until(reloaded, timeout=60), launched.text()
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0
    assert not launched.alive()


# -- the development stack -----------------------------------------------------


@pytest.mark.integration
def test_the_development_stack_starts_with_one_command(
    tmp_path: Path, port: int, example_db: Path
) -> None:
    """``prodserver --all --settings=mysite.settings_dev``: runserver serves, the
    django-tasks worker runs a task, and SIGTERM stops both with status 0."""
    env = example_env(DEV_PORT=str(port), EXAMPLE_DB=str(example_db))
    argv = prodserver("--all", "--settings=mysite.settings_dev")
    with launch(argv, tmp_path, env=env) as launched:
        status, body = wait_for_http(f"http://{HOST}:{port}/", launched.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["settings"] == "mysite.settings_dev"
        shell(
            example_db,
            "from jobs.db_tasks import record_task; record_task.enqueue('dev-stack')",
        )
        assert wait_until(lambda: records(example_db, "dev-stack"), timeout=60), (
            launched.text()
        )
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()
        assert wait_until(lambda: not launched.alive(), timeout=10), launched.alive()
    [(runner, _, finished)] = records(example_db, "dev-stack")
    assert (runner, finished is not None) == ("django-tasks", True)
