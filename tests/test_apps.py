"""Loading the app: what every process of the project pays for it."""

from __future__ import annotations

import subprocess
import sys

from tests.processes import EXAMPLE_DIR, example_env

LOADED = (
    "import sys, django; django.setup(); "
    "from django.core import checks; "
    "print(sorted(m for m in sys.modules if m.startswith('django_prodserver'))); "
    "print([f.__name__ for f in checks.registry.registry.registered_checks])"
)


def test_app_registers_its_check_without_loading_the_validation_code() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=EXAMPLE_DIR,
        env=example_env(DJANGO_SETTINGS_MODULE="mysite.settings"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    modules, registered = done.stdout.splitlines()
    assert "check_production_processes" in registered
    assert "django_prodserver.validation" not in modules
    assert "django_prodserver.backends.base" not in modules
