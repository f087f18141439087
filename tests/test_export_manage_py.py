"""Whether a project's ``manage.py`` does more than Django's own, and the
exports of a project whose ``manage.py`` does (cookiecutter-django's layout)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from django_prodserver.export.manage_py import does_more
from tests.exports import procfile_commands
from tests.processes import EXAMPLE_DIR, console_script, example_env

#: What ``django-admin startproject`` writes (Django 3.0 to 5.x).
STARTPROJECT = '''#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
'''
#: What Django 1.11 wrote: the import of Django tried again in the handler.
STARTPROJECT_1_11 = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        try:
            import django
        except ImportError:
            raise ImportError("Couldn't import Django.")
        raise
    execute_from_command_line(sys.argv)
"""
#: cookiecutter-django's: a directory of apps appended to ``sys.path``.
COOKIECUTTER = """import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    current_path = Path(__file__).parent.resolve()
    sys.path.append(str(current_path / "my_project"))
    execute_from_command_line(sys.argv)
"""


@pytest.mark.parametrize(
    ("source", "more"),
    [
        (STARTPROJECT, False),
        (STARTPROJECT_1_11, False),
        ((EXAMPLE_DIR / "manage.py").read_text(), False),
        (COOKIECUTTER, True),
        (STARTPROJECT.replace("import sys\n", "import sys\nimport dotenv\n"), True),
        (
            STARTPROJECT.replace("    try:", "    dotenv.load_dotenv()\n    try:", 1),
            True,
        ),
        (STARTPROJECT.replace("main()\n", "main()\nprint('hi')\n"), True),
        (STARTPROJECT.replace("main():", "main(:", 1), True),  # unparsable
        (STARTPROJECT.replace("def main", "def other"), True),
        ("from . import x\n", True),
    ],
)
def test_does_more_than_djangos_own(tmp_path: Path, source: str, more: bool) -> None:
    path = tmp_path / "manage.py"
    path.write_text(source)
    assert does_more(str(path)) is more


def test_a_missing_manage_py_may_do_anything(tmp_path: Path) -> None:
    assert does_more(str(tmp_path / "manage.py"))


def cookiecutter_project(root: Path) -> None:
    """A project whose settings import a module that only manage.py's
    ``sys.path`` finds, as an app under cookiecutter-django's directory would."""
    (root / "manage.py").write_text(COOKIECUTTER)
    (root / "config").mkdir()
    (root / "config" / "__init__.py").write_text("")
    (root / "config" / "settings.py").write_text(
        "from mysite.settings import *  # noqa: F403\n"
        "from processes import PRODUCTION_PROCESSES  # noqa: F401\n"
    )
    (root / "my_project").mkdir()
    (root / "my_project" / "processes.py").write_text(
        "PRODUCTION_PROCESSES = {'web': {'BACKEND': "
        "'django_prodserver.backends.gunicorn.GunicornServer'}}\n"
    )


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = example_env(PYTHONPATH=str(EXAMPLE_DIR))  # mysite, as if installed
    bin_dir = os.path.dirname(sys.executable)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


@pytest.mark.integration
def test_a_cookiecutter_project_exports_commands_that_run(tmp_path: Path) -> None:
    """Its exported command runs with ``manage.py``, since the console script
    would not find what its settings import."""
    cookiecutter_project(tmp_path)
    exported = run(
        [sys.executable, "manage.py", "prodserver", "--export=procfile"], tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    web = shlex.split(procfile_commands(exported.stdout)["web"])
    assert web == ["python", "manage.py", "prodserver", "web"]
    ran = run([sys.executable, *web[1:], "--dry-run"], tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "gunicorn" in ran.stdout
    script = [console_script(), "web", "--settings=config.settings", "--dry-run"]
    without = run(script, tmp_path)
    assert without.returncode != 0
    assert "No module named 'processes'" in without.stderr


@pytest.mark.integration
def test_a_project_with_djangos_manage_py_exports_the_console_script(
    tmp_path: Path,
) -> None:
    cookiecutter_project(tmp_path)
    (tmp_path / "manage.py").write_text(
        STARTPROJECT.replace("mysite.settings", "config.settings")
    )
    (tmp_path / "config" / "settings.py").write_text(
        "from mysite.settings import *  # noqa: F403\n"
    )
    exported = run(
        [sys.executable, "manage.py", "prodserver", "--export=procfile"], tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    web = shlex.split(procfile_commands(exported.stdout)["web"])
    assert web == ["prodserver", "web", "--settings=config.settings"]
    ran = run([*web, "--dry-run"], tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "gunicorn" in ran.stdout
