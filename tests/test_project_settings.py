"""The settings read without ``django.conf``: what Django's own settings object
holds for the same module, its errors included."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest
from django.conf import Settings
from django.core.exceptions import ImproperlyConfigured

from django_prodserver.config import project_settings
from django_prodserver.config.project_settings import (
    ModuleSettings,
    ProjectSettings,
    upper_names,
)
from tests.processes import EXAMPLE_DIR, example_env, run_python

SETTINGS_MODULES = sorted(
    f"mysite.{path.stem}" for path in (EXAMPLE_DIR / "mysite").glob("settings*.py")
)


@pytest.fixture(autouse=True)
def time_zone_kept(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Both readers set ``TZ``: put it back after each test."""
    monkeypatch.setenv("TZ", "UTC")
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def write_module(directory: Path, name: str, text: str) -> str:
    (directory / f"{name}.py").write_text(textwrap.dedent(text))
    return name


def djangos_values(module: str) -> dict[str, object]:
    held = Settings(module)
    return {name: getattr(held, name) for name in dir(held) if name.isupper()}


@pytest.mark.parametrize("module", SETTINGS_MODULES)
def test_every_example_module_reads_as_django_reads_it(module: str) -> None:
    read = ModuleSettings(module)
    assert read.values == djangos_values(module)
    assert module == read.SETTINGS_MODULE


def test_defaults_are_djangos_and_lower_case_names_are_not_settings(
    settings_dir: Path,
) -> None:
    module = write_module(
        settings_dir, "bare_settings", "SECRET_KEY = 'x'\nhelper = 1\nDEBUG = True\n"
    )
    read = ModuleSettings(module)
    assert read.values == djangos_values(module)
    assert read.DEBUG is True
    assert read.CACHES == {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    with pytest.raises(AttributeError):
        read.helper  # noqa: B018
    assert getattr(read, "PRODUCTION_PROCESSES", "unset") == "unset"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("ALLOWED_HOSTS = 'example.com'", ImproperlyConfigured),
        ("INSTALLED_APPS = 'jobs'", ImproperlyConfigured),
        ("TIME_ZONE = 'Mars/Olympus_Mons'", ValueError),
    ],
)
def test_bad_settings_raise_djangos_error(
    settings_dir: Path, text: str, error: type[Exception]
) -> None:
    module = write_module(settings_dir, f"bad_{abs(hash(text))}", text)
    with pytest.raises(error) as djangos:
        Settings(module)
    with pytest.raises(error) as ours:
        ModuleSettings(module)
    assert str(ours.value) == str(djangos.value)


def test_the_time_zone_goes_into_tz_as_django_puts_it(settings_dir: Path) -> None:
    module = write_module(settings_dir, "zone_settings", "TIME_ZONE = 'Asia/Tokyo'\n")
    ModuleSettings(module)
    assert time.strftime("%Z", time.localtime(0)) == "JST"


def test_a_module_that_cannot_be_imported_says_which(settings_dir: Path) -> None:
    with pytest.raises(ModuleNotFoundError) as raised:
        ModuleSettings("no_such_settings")
    assert raised.value.name == "no_such_settings"


def test_djangos_settings_win_once_they_are_in_use(settings_dir: Path) -> None:
    # Under pytest-django they are: reading a module changes nothing.
    module = write_module(settings_dir, "other_settings", "PRODUCTION_PROCESSES = {}\n")
    reader = ProjectSettings()
    reader.read_module(module)
    assert project_settings.django_settings_in_use()
    from django.conf import settings

    assert reader.source is settings
    assert reader.PRODUCTION_PROCESSES == settings.PRODUCTION_PROCESSES


READ_WITHOUT_DJANGO_CONF = """
import sys
from django_prodserver.config.project_settings import ProjectSettings
reader = ProjectSettings()
reader.read_module("mysite.settings")
print(reader.WSGI_APPLICATION, sorted(reader.PRODUCTION_PROCESSES))
print("django.conf" in sys.modules)
"""

DRY_RUN_WITHOUT_DJANGO_CONF = """
import sys
from django_prodserver.command.console import main
status = main(["--all", "--dry-run"])
sys.stderr.write(f"django.conf imported: {'django.conf' in sys.modules}\\n")
sys.exit(status)
"""


def run_code(code: str) -> subprocess.CompletedProcess[str]:
    env = {**example_env(), "DJANGO_SETTINGS_MODULE": "mysite.settings"}
    return run_python("-c", code, env=env)


def test_a_module_is_read_without_importing_django_conf() -> None:
    done = run_code(READ_WITHOUT_DJANGO_CONF)
    assert done.returncode == 0, done.stderr
    djangos = Settings("mysite.settings")
    names = sorted(djangos.PRODUCTION_PROCESSES)
    assert done.stdout.splitlines() == [
        f"{djangos.WSGI_APPLICATION} {names}",
        "False",
    ]


def test_the_console_scripts_dry_run_does_without_django_conf() -> None:
    # What makes the console script start quickly: Django's settings machinery
    # (and asyncio, which it imports) is not loaded when nothing needs it.
    done = run_code(DRY_RUN_WITHOUT_DJANGO_CONF)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert done.stderr.splitlines()[-1] == "django.conf imported: False"


def test_djangos_defaults_are_imported_where_its_file_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import django.conf
    from django.conf import global_settings

    # Imported afresh, then put back as it was.
    monkeypatch.delitem(sys.modules, "django.conf.global_settings")
    monkeypatch.setattr(django.conf, "global_settings", global_settings)
    elsewhere = ModuleSpec("django", None, origin=str(tmp_path / "__init__.py"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: elsewhere)
    defaults = project_settings.django_defaults()
    assert defaults.__name__ == "django.conf.global_settings"
    assert upper_names(defaults) == upper_names(global_settings)


def test_djangos_defaults_already_imported_are_used() -> None:
    from django.conf import global_settings

    assert project_settings.django_defaults() is global_settings
