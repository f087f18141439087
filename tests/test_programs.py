"""Finding programs and packages, and their versions, without importing them."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from django_prodserver.backends import programs
from django_prodserver.backends.programs import is_installed
from tests.processes import python_output


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("json", True),
        ("json.decoder", True),  # a module file
        ("django.core.management", True),  # a package
        ("json.no_such_module", False),
        ("no_such_package_here", False),
        ("no_such_package_here.sub", False),
        ("sys.anything", False),  # a built-in module has no directories
    ],
)
def test_is_installed(name: str, expected: bool) -> None:
    assert is_installed(name) is expected


def test_a_dotted_name_does_not_import_its_package() -> None:
    code = (
        "import sys; from django_prodserver.backends.programs import is_installed; "
        "assert is_installed('django_q.management.commands.qcluster'); "
        "print(sorted(m for m in sys.modules if m.startswith('django_q')))"
    )
    assert python_output(code) == "[]"


def test_module_file_reads_where_a_module_is() -> None:
    import json.decoder

    assert programs.module_file("json.decoder") == json.decoder.__file__
    assert programs.module_file("json") == json.__file__
    assert programs.module_file("no_such_package_here.x") is None
    assert programs.module_file("json.no_such_module") is None
    assert programs.module_file("sys") is None  # built in: no file


def test_module_file_does_not_import_its_package() -> None:
    code = (
        "import sys; from django_prodserver.backends.programs import module_file; "
        "print(module_file('django_q.management.commands.qcluster')); "
        "print(module_file('django_q.management')); "
        "print(sorted(m for m in sys.modules if m.startswith('django_q')))"
    )
    qcluster, package, imported = python_output(code).splitlines()
    assert qcluster.endswith("django_q/management/commands/qcluster.py")
    assert package.endswith("django_q/management/__init__.py")
    assert imported == "[]"


@pytest.mark.parametrize(
    ("distribution", "module"),
    [("gunicorn", None), ("django", None), ("PyYAML", "yaml"), ("psutil", None)],
)
def test_installed_version_agrees_with_importlib_metadata(
    distribution: str, module: str | None
) -> None:
    assert programs.installed_version(distribution, module) == metadata.version(
        distribution
    )


def test_installed_version_reads_the_dist_info_beside_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fake_server").mkdir()
    (tmp_path / "fake_server" / "__init__.py").write_text("raise ImportError\n")
    (tmp_path / "Fake.Server-2.5.1.dist-info").mkdir()  # no METADATA: name only
    monkeypatch.syspath_prepend(str(tmp_path))
    assert programs.installed_version("fake-server", "fake_server") == "2.5.1"


def test_installed_version_of_a_module_without_dist_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "loose_module.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert programs.installed_version("loose-module", "loose_module") is None


def test_installed_version_of_a_missing_package() -> None:
    assert programs.installed_version("no-such-server-here") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Django", "django"), ("django_q2", "django-q2"), ("Foo.Bar__baz", "foo-bar-baz")],
)
def test_normalized(name: str, expected: str) -> None:
    assert programs.normalized(name) == expected


def test_python_module_argv_uses_a_normalised_interpreter_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``../../.venv/bin/python manage.py …`` must not put ``..`` into the argv
    that a dry run prints (or an export writes)."""
    monkeypatch.setattr("sys.executable", "/srv/app/../venv/bin/python")
    argv = programs.python_module_argv("django", "db_worker")
    assert argv == ["/srv/venv/bin/python", "-m", "django", "db_worker"]
