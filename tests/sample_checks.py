"""Run Django's ``check`` command on many settings samples in one interpreter.

    python tests/sample_checks.py DIRECTORY

``DIRECTORY`` holds one package per sample (``docsample_N/sample.py``, written
by ``tests/test_docs.py``). The interpreter is set up once on the example
project's settings; each sample's settings that differ from them are applied
with ``override_settings`` and ``check`` runs, as ``manage.py check`` would on
the sample. Prints a JSON object: package name → ``[status, output]``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

MISSING = object()


def overrides(module: Any, base: Any) -> dict[str, Any]:
    """The upper-case settings of ``module`` that differ from ``base``'s."""
    names = [name for name in vars(module) if name.isupper()]
    return {
        name: getattr(module, name)
        for name in names
        if getattr(base, name, MISSING) != getattr(module, name)
    }


def check(package: str, base: Any) -> tuple[int, str]:
    """``check`` on the settings of ``package.sample``: its status and output."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.test.utils import override_settings

    output = io.StringIO()
    try:
        module = importlib.import_module(f"{package}.sample")
        with (
            override_settings(**overrides(module, base)),
            contextlib.redirect_stdout(output),
            contextlib.redirect_stderr(output),
        ):
            call_command("check", stdout=output, stderr=output)
    except SystemCheckError as exc:
        return 1, f"{output.getvalue()}{exc}"
    except Exception as exc:  # the test shows what went wrong
        return 1, f"{output.getvalue()}Traceback: {type(exc).__name__}: {exc}"
    return 0, output.getvalue()


def main(directory: str) -> int:
    sys.path.insert(0, directory)
    os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
    import django

    django.setup()
    base = importlib.import_module("mysite.settings")
    packages = sorted(path.name for path in Path(directory).glob("docsample_*"))
    print(json.dumps({package: check(package, base) for package in packages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
