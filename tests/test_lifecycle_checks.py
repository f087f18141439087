"""The checks of ``BEFORE``, ``WAIT_FOR`` and ``WAIT_TIMEOUT`` (E016 to E020,
E032)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError
from django.test import override_settings

from django_prodserver import check_ids
from django_prodserver.checks import check_processes
from django_prodserver.config.entry import DEFAULT_WAIT_TIMEOUT, ProcessConfig
from django_prodserver.config.environment import LaunchContext
from django_prodserver.validation.entries import check_entry
from tests.commands import entry_messages, run

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
WORKER = "django_prodserver.backends.celery.CeleryWorker"
RELEASE = "django_prodserver.backends.release.Release"


def web(**keys: Any) -> dict[str, Any]:
    return {"BACKEND": GUNICORN, **keys}


def found(entry: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(m.id or "", m.msg, m.hint or "") for m in entry_messages("web", entry)]


@pytest.mark.parametrize(
    "entry",
    [
        web(BEFORE=[]),
        web(BEFORE=["migrate --noinput", ["createcachetable", "--dry-run"]]),
        web(BEFORE=("check",)),
        web(WAIT_FOR=[]),
        web(WAIT_FOR=["database", "database:default", "cache", "cache:default"]),
        web(WAIT_FOR=("tcp://db:5432", "http://api/health")),
        web(WAIT_FOR=["database"], WAIT_TIMEOUT=2),
        web(WAIT_TIMEOUT=0.5),
        web(WAIT_TIMEOUT=None),
        {"BACKEND": WORKER, "APP": "mysite.celery.app", "WAIT_FOR": ["broker"]},
        {"BACKEND": RELEASE, "BEFORE": ["migrate"], "WAIT_FOR": ["database"]},
        web(WAIT_FOR=["migrations", "migrations:default"], BEFORE=["check"]),
    ],
)
def test_well_formed_entries_pass(entry: dict[str, Any]) -> None:
    assert found(entry) == []


@pytest.mark.parametrize(
    ("entry", "check_id", "message"),
    [
        (
            web(BEFORE="migrate --noinput"),
            check_ids.BAD_BEFORE,
            "PRODUCTION_PROCESSES['web']['BEFORE'] must be a list of management "
            "command lines, not 'migrate --noinput'",
        ),
        (
            web(BEFORE=["migrate", 3]),
            check_ids.BAD_BEFORE,
            "PRODUCTION_PROCESSES['web']['BEFORE'][1] 3 is neither a command line "
            "string nor a list of words",
        ),
        (
            web(BEFORE=["python manage.py migrate"]),
            check_ids.BAD_BEFORE,
            "PRODUCTION_PROCESSES['web']['BEFORE'][0] 'python manage.py migrate' is "
            "a shell command; write the management command alone",
        ),
        (
            web(BEFORE=["migrate 'oops"]),
            check_ids.BAD_BEFORE,
            "PRODUCTION_PROCESSES['web']['BEFORE'][0] \"migrate 'oops\" cannot be "
            "split into words (No closing quotation)",
        ),
        (
            web(BEFORE=["migrat --noinput"]),
            check_ids.UNKNOWN_COMMAND,
            "PRODUCTION_PROCESSES['web']['BEFORE'] runs 'migrat', which is not a "
            "management command of this project",
        ),
        (
            web(WAIT_FOR="database"),
            check_ids.BAD_WAIT_FOR,
            "PRODUCTION_PROCESSES['web']['WAIT_FOR'] must be a list, not 'database'",
        ),
        (
            web(WAIT_FOR=["database", ""]),
            check_ids.BAD_WAIT_FOR,
            "PRODUCTION_PROCESSES['web']['WAIT_FOR'] has ''; each item must be a "
            "non-empty string",
        ),
        (
            web(WAIT_FOR=["databse"]),
            check_ids.UNKNOWN_WAIT_TARGET,
            "PRODUCTION_PROCESSES['web']['WAIT_FOR']: 'databse' is not something "
            "prodserver can wait for",
        ),
        (
            web(WAIT_FOR=["database:replica"]),
            check_ids.UNKNOWN_WAIT_TARGET,
            "PRODUCTION_PROCESSES['web']['WAIT_FOR']: DATABASES has no alias 'replica'",
        ),
        (
            web(WAIT_FOR=["broker"]),
            check_ids.UNKNOWN_WAIT_TARGET,
            "PRODUCTION_PROCESSES['web']['WAIT_FOR']: 'broker': BACKEND "
            f"'{GUNICORN}' has no broker prodserver can find",
        ),
        (
            web(WAIT_FOR=["tcp://db"]),
            check_ids.UNKNOWN_WAIT_TARGET,
            "PRODUCTION_PROCESSES['web']['WAIT_FOR']: 'tcp://db' has no host and port",
        ),
        (
            web(WAIT_TIMEOUT=0),
            check_ids.BAD_WAIT_TIMEOUT,
            "PRODUCTION_PROCESSES['web']['WAIT_TIMEOUT'] must be a number of seconds "
            "above 0 and up to a year (31536000), not 0",
        ),
        (web(WAIT_TIMEOUT="60"), check_ids.BAD_WAIT_TIMEOUT, None),
        (web(WAIT_TIMEOUT=True), check_ids.BAD_WAIT_TIMEOUT, None),
        (web(WAIT_TIMEOUT=float("inf")), check_ids.BAD_WAIT_TIMEOUT, None),
        (web(WAIT_TIMEOUT=-1), check_ids.BAD_WAIT_TIMEOUT, None),
        (
            web(WAIT_FOR=["migrations"], BEFORE=["migrate --noinput"]),
            check_ids.WAITS_FOR_ITS_OWN_MIGRATIONS,
            "PRODUCTION_PROCESSES['web']['WAIT_FOR'] waits for 'migrations', which "
            "its own BEFORE step 'migrate --noinput' applies after the wait",
        ),
        (
            web(WAIT_FOR=["migrations:default"], BEFORE=["prodserver_migrate"]),
            check_ids.WAITS_FOR_ITS_OWN_MIGRATIONS,
            None,
        ),
        (
            {"BACKEND": RELEASE},
            check_ids.BAD_BEFORE,
            "PRODUCTION_PROCESSES['web']: a release entry runs its BEFORE steps, "
            "and it has none",
        ),
    ],
)
def test_malformed_keys(
    entry: dict[str, Any], check_id: str, message: str | None
) -> None:
    [(found_id, found_message, hint)] = found(entry)
    assert found_id == check_id
    if message is not None:
        assert found_message == message
    assert hint


@pytest.mark.parametrize(
    ("entry", "hint"),
    [
        (web(BEFORE=["migrat"]), "Did you mean 'migrate'?"),
        (web(BEFORE=["frobnicate"]), "`manage.py help` lists the commands"),
        (web(WAIT_FOR=["databse"]), "Did you mean 'database'?"),
        (web(WAIT_FOR=["brokre"]), "Did you mean 'broker'?"),
        (web(WAIT_FOR=["migration"]), "Did you mean 'migrations'?"),
        (web(WAIT_FOR=["database:defualt"]), "Did you mean 'default'?"),
        (web(WAIT_FOR=["reddis://cache"]), "Did you mean 'redis'?"),
    ],
)
def test_did_you_mean(entry: dict[str, Any], hint: str) -> None:
    [(_, _, found_hint)] = found(entry)
    assert found_hint.startswith(hint)


def test_lifecycle_keys_are_known_entry_keys() -> None:
    entry = web(BEFORE=["check"], WAIT_FOR=["database"], WAIT_TIMEOUT=5, BEFOR=[])
    [(check_id, message, hint)] = found(entry)
    assert check_id == check_ids.MISSPELT_ENTRY_KEY
    assert "'BEFOR'" in message
    assert "Did you mean 'BEFORE'?" in hint


def test_the_parsed_keys_reach_the_backend() -> None:
    entry = web(BEFORE=["migrate --noinput"], WAIT_FOR=["database"], WAIT_TIMEOUT=5)
    checked = check_entry("web", entry, LaunchContext.current())
    assert checked.backend is not None
    config = checked.backend.config
    assert config.before == (("migrate", "--noinput"),)
    assert config.wait_for == ("database",)
    assert config.wait_timeout == 5.0
    plain = ProcessConfig("w", GUNICORN)
    assert (plain.before, plain.wait_for) == ((), ())
    assert plain.wait_timeout == DEFAULT_WAIT_TIMEOUT == 60


def test_skip_checks_skips_the_command_lookup_not_the_form() -> None:
    context = LaunchContext.current()
    unknown = check_entry("web", web(BEFORE=["frobnicate"]), context, deep=False)
    assert unknown.messages == []
    malformed = check_entry("web", web(BEFORE="migrate"), context, deep=False)
    assert [m.id for m in malformed.messages] == [check_ids.BAD_BEFORE]


def test_manage_py_check_and_the_command_report_them() -> None:
    processes = {"web": web(WAIT_FOR=["databse"], BEFORE=["migrat"])}
    ids = [m.id for m in check_processes(processes)]
    assert ids == [check_ids.UNKNOWN_COMMAND, check_ids.UNKNOWN_WAIT_TARGET]
    with (
        override_settings(PRODUCTION_PROCESSES=processes),
        pytest.raises(CommandError) as caught,
    ):
        run("web", "--dry-run", skip_checks=False)  # call_command skips by default
    lines = str(caught.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ids
