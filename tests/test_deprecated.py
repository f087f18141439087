"""django-prodserver 3.0's backend paths, string ARGS and public names."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.module_loading import import_string

from django_prodserver.backends.base import BaseServerBackend
from django_prodserver.backends.deprecated import REPLACEMENTS
from django_prodserver.checks import check_processes
from tests.commands import argv_of, run
from tests.processes import manage_with_settings, setting_of

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
OLD_GUNICORN = "django_prodserver.backends.servers.gunicorn.GunicornServer"


@pytest.mark.parametrize(("old", "new"), sorted(REPLACEMENTS.items()))
def test_an_old_path_is_the_same_backend_with_a_warning(old: str, new: str) -> None:
    assert import_string(old) is import_string(new)
    entry = {"BACKEND": old, "APP": "mysite.celery.app"}
    # runserver_plus is a command of django-extensions.
    apps = [*settings.INSTALLED_APPS, "django_extensions"]
    with override_settings(INSTALLED_APPS=apps):
        messages = check_processes({"p": entry})
        current = check_processes({"p": {**entry, "BACKEND": new}})
    # The same checks as the current path's (daphne's runserver wants its app
    # first, say), and the one that names it.
    assert [m.id for m in messages] == ["prodserver.W007", *(m.id for m in current)]
    assert messages[0].hint == f'Write "BACKEND": "{new}".'


def test_the_command_says_the_new_path_once(tmp_path: Path) -> None:
    setting = setting_of({"web": {"BACKEND": OLD_GUNICORN}})
    result = manage_with_settings(tmp_path, setting, "prodserver", "web", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("prodserver.W007") == 1
    assert GUNICORN in result.stderr
    assert "DeprecationWarning" not in result.stderr  # no import-time noise


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ("--bind=0.0.0.0:8111", ["--bind=0.0.0.0:8111"]),
        ("--bind 0.0.0.0:8111 --workers=3", ["--bind", "0.0.0.0:8111", "--workers=3"]),
        ("--preload --name 'my site'", ["--preload", "--name", "my site"]),
        ("", []),
    ],
)
def test_args_as_a_string_are_split_like_a_shell(args: str, options: list[str]) -> None:
    argv = argv_of({"BACKEND": GUNICORN, "ARGS": args})
    assert argv[1 : 1 + len(options)] == options
    assert argv[-1] == "mysite.wsgi:application"


def test_args_as_a_string_warn_with_the_dict_to_write() -> None:
    messages = check_processes(
        {"web": {"BACKEND": GUNICORN, "ARGS": "--bind 0.0.0.0:8111 --preload"}}
    )
    assert [m.id for m in messages] == ["prodserver.W008"]
    assert messages[0].hint == (
        "Write it as a dict: \"ARGS\": {'bind': '0.0.0.0:8111', 'preload': True}."
    )


def test_args_as_a_string_count_as_the_options_they_set() -> None:
    """Arguments after ``--`` override them; the PORT default does not apply;
    W003 sees their address."""
    argv = argv_of({"BACKEND": GUNICORN, "ARGS": "--workers 3"}, "--workers=8")
    assert "--workers=8" in argv
    assert "3" not in argv
    two = {
        "a": {"BACKEND": GUNICORN, "ARGS": "--bind 0.0.0.0:9000"},
        "b": {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:9000"}},
    }
    assert "prodserver.W003" in {m.id for m in check_processes(two)}


def test_args_as_a_string_that_cannot_be_split_is_e006() -> None:
    messages = check_processes({"web": {"BACKEND": GUNICORN, "ARGS": "--name 'x"}})
    assert [m.id for m in messages] == ["prodserver.E006"]
    assert "cannot be split" in messages[0].msg


class StartServer(BaseServerBackend):
    """A custom backend written for 3.0: it ran the program in Django's process."""

    def start_server(self, *args: str) -> None:
        raise AssertionError("never called")


def test_a_backend_written_for_3_0_is_explained() -> None:
    messages = check_processes({"web": {"BACKEND": f"{__name__}.StartServer"}})
    assert [m.id for m in messages] == ["prodserver.E005"]
    assert "written for django-prodserver 3.0" in messages[0].msg


def test_the_3_0_app_config_name_works() -> None:
    from django_prodserver.apps import ProdserverAppConfig, ProdserverConfig

    assert issubclass(ProdserverAppConfig, ProdserverConfig)
    assert ProdserverAppConfig.name == "django_prodserver"


def test_app_settings_read_django_settings_each_time() -> None:
    from django_prodserver.conf import SETTINGS_PREFIX, AppSettings, app_settings

    assert SETTINGS_PREFIX == "PRODUCTION_"
    assert isinstance(app_settings, AppSettings)
    processes = {"web": {"BACKEND": GUNICORN}}
    with override_settings(PRODUCTION_PROCESSES=processes, PRODUCTION_OTHER=3):
        assert processes == app_settings.PRODUCTION_PROCESSES
        assert app_settings.PRODUCTION_OTHER == 3
    from django.conf import settings

    with override_settings():
        del settings.PRODUCTION_PROCESSES
        assert app_settings.PRODUCTION_PROCESSES == {}
    with pytest.raises(AttributeError):
        _ = app_settings.NOT_OURS


@override_settings(PRODUCTION_PROCESSES={"web": {"BACKEND": OLD_GUNICORN}})
def test_list_names_the_old_path_as_configured() -> None:
    out, err = run("--list")
    assert out.split()[:2] == ["web", OLD_GUNICORN]
    assert "prodserver.W007" in err
