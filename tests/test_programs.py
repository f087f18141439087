"""Finding programs and packages without importing them."""

from __future__ import annotations

import pytest

from django_prodserver import programs
from django_prodserver.programs import is_installed
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
        "import sys; from django_prodserver.programs import is_installed; "
        "assert is_installed('django_q.management.commands.qcluster'); "
        "print(sorted(m for m in sys.modules if m.startswith('django_q')))"
    )
    assert python_output(code) == "[]"


def test_python_module_argv_uses_a_normalised_interpreter_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``../../.venv/bin/python manage.py …`` must not put ``..`` into the argv
    that a dry run prints (or an export writes)."""
    monkeypatch.setattr("sys.executable", "/srv/app/../venv/bin/python")
    argv = programs.python_module_argv("django", "db_worker")
    assert argv == ["/srv/venv/bin/python", "-m", "django", "db_worker"]
