"""Loading the app: what every process of the project pays for it."""

from __future__ import annotations

from tests.processes import manage

LOADED = (
    "import sys; from django.core import checks; "
    "print(sorted(m for m in sys.modules if m.startswith('django_prodserver'))); "
    "print([f.__name__ for f in checks.registry.registry.registered_checks])"
)


def test_app_registers_its_check_without_loading_the_validation_code() -> None:
    done = manage("shell", "-c", LOADED)
    assert done.returncode == 0, done.stderr
    modules, registered = done.stdout.splitlines()[-2:]
    assert "check_production_processes" in registered
    assert "django_prodserver.validation.entries" not in modules
    assert "django_prodserver.backends.base" not in modules
