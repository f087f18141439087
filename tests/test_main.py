"""The ``prodserver`` console script and ``python -m django_prodserver``: the
management command's options, plans and programs, without ``django.setup()``
unless something to launch needs it."""

from __future__ import annotations

import functools
import importlib
import json
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import psutil
import pytest

from django_prodserver.command import console
from django_prodserver.management.commands.prodserver import Command
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    MANAGE_PY,
    case_settings_env,
    console_script,
    example_env,
    launch,
    records,
    script_python,
    setting_of,
    wait_for_http,
    wait_until,
)

SETTINGS_MODULES = sorted(
    f"mysite.{path.stem}" for path in (EXAMPLE_DIR / "mysite").glob("settings*.py")
)
#: Every process of every example settings module.
EVERY_PROCESS = [
    (module, name)
    for module in SETTINGS_MODULES
    for name in importlib.import_module(module).PRODUCTION_PROCESSES
]


CompletedRun = subprocess.CompletedProcess[str]


def run(
    argv: Sequence[str],
    cwd: Path | str = EXAMPLE_DIR,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else example_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def script_argv(*args: str) -> list[str]:
    return [console_script(), *args]


def module_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "django_prodserver", *args]


def managed_argv(*args: str, python: str | None = None) -> list[str]:
    """``manage.py prodserver ARGS`` on the console script's interpreter (the
    plans name the interpreter, and a virtualenv has it as python and python3)."""
    return [python or script_python(), str(MANAGE_PY), "prodserver", *args]


def outcome(done: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return done.returncode, done.stdout, done.stderr


# -- the same options and plans --------------------------------------------------


def test_the_options_are_the_management_commands() -> None:
    ours = console.build_parser()
    django = Command().create_parser("manage.py", "prodserver")

    def options(parser: object) -> set[str]:
        return {o for a in parser._actions for o in a.option_strings}  # type: ignore[attr-defined]

    assert options(ours) == options(django)


@functools.cache
def every_plan(settings: str) -> tuple[CompletedRun, CompletedRun]:
    """The dry-run plans of every process of ``settings``: through
    ``manage.py prodserver``, and through the console script (one run each for
    all the processes of a settings module, shared by its tests)."""
    names = importlib.import_module(settings).PRODUCTION_PROCESSES
    args = (*names, "--dry-run", "--format=json", f"--settings={settings}")
    return run(managed_argv(*args)), run(script_argv(*args))


def plans_named(stdout: str, name: str) -> list[dict[str, object]]:
    """The plans of process ``name`` (``name.1``, ``name.2``… for a pool)."""
    plans = [json.loads(line) for line in stdout.splitlines()]
    return [p for p in plans if p["name"] == name or p["name"].startswith(f"{name}.")]


@pytest.mark.xdist_group("every_plan")
@pytest.mark.parametrize(("settings", "name"), EVERY_PROCESS)
def test_plans_are_the_management_commands(settings: str, name: str) -> None:
    expected, script = every_plan(settings)
    assert expected.returncode == 0, expected.stderr
    assert expected.stdout.startswith("{")
    assert outcome(script) == outcome(expected)
    plans = plans_named(expected.stdout, name)
    assert plans, expected.stdout
    assert plans_named(script.stdout, name) == plans


@pytest.mark.parametrize("settings", SETTINGS_MODULES)
def test_python_m_gives_the_same_plans(settings: str) -> None:
    args = ("--all", "--dry-run", "--format=json", f"--settings={settings}")
    expected = run(managed_argv(*args, python=sys.executable))
    assert outcome(run(module_argv(*args))) == outcome(expected)


def test_list_is_the_management_commands() -> None:
    args = ("--list", "--settings=mysite.settings_workers")
    listed = run(script_argv(*args))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("web ")
    assert outcome(listed) == outcome(run(managed_argv(*args)))


def test_settings_from_the_environment_and_the_working_directory() -> None:
    """A Dockerfile's ``ENV DJANGO_SETTINGS_MODULE`` and ``WORKDIR``, no
    ``PYTHONPATH``: the project is imported from the working directory, and the
    program gets it on its ``PYTHONPATH`` as with ``manage.py``."""
    env = example_env(DJANGO_SETTINGS_MODULE="mysite.settings")
    args = ("web", "--dry-run", "--format=json")
    done = run(script_argv(*args), env=env)
    assert done.returncode == 0, done.stderr
    assert f'"PYTHONPATH": "{EXAMPLE_DIR}"' in done.stdout
    assert outcome(done) == outcome(run(managed_argv(*args), env=env))


def test_pythonpath_from_another_directory(other_dir: Path) -> None:
    env = example_env(DJANGO_SETTINGS_MODULE="mysite.settings_alt")
    args = ("--all", "--dry-run", "--format=json", f"--pythonpath={EXAMPLE_DIR}")
    done = run(script_argv(*args), cwd=other_dir, env=env)
    assert done.returncode == 0, done.stderr
    assert outcome(done) == outcome(run(managed_argv(*args), cwd=other_dir, env=env))


# -- errors ------------------------------------------------------------------------


def test_an_error_is_the_management_commands_line(tmp_path: Path) -> None:
    env = case_settings_env(
        tmp_path, setting_of({"web": {"BACKEND": "nowhere.Server"}})
    )
    done = run(script_argv("web"), env=env)
    assert done.returncode == 1
    assert done.stderr.startswith(
        "CommandError: prodserver.E004: Cannot import BACKEND 'nowhere.Server' "
    )
    assert len(done.stderr.splitlines()) == 1
    assert outcome(done) == outcome(run(managed_argv("web"), env=env))
    shown = run(script_argv("web", "--traceback"), env=env)
    assert shown.returncode == 1
    assert "Traceback (most recent call last)" in shown.stderr


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["nope", "--dry-run"], 1),  # an unknown name lists the names there are
        (["--dry-run"], 2),  # several processes and no name
        (["web", "--no-color", "--force-color"], 1),
    ],
)
def test_exit_statuses_are_the_management_commands(
    args: list[str], status: int
) -> None:
    args = [*args, "--settings=mysite.settings_workers"]
    done = run(script_argv(*args))
    assert done.returncode == status
    assert done.stderr.startswith("CommandError: ")
    assert outcome(done) == outcome(run(managed_argv(*args)))


def test_settings_that_cannot_be_imported_are_one_line(other_dir: Path) -> None:
    env = example_env(DJANGO_SETTINGS_MODULE="mysite.settings")
    done = run(script_argv("web", "--dry-run"), cwd=other_dir, env=env)
    assert done.returncode == 1
    assert done.stderr.startswith(
        "CommandError: Cannot import the settings module 'mysite.settings': "
        "No module named 'mysite'. HINT: Start prodserver in your project's "
        "directory (the one with manage.py)"
    )
    assert "Traceback" not in done.stderr


def test_no_settings_is_one_line() -> None:
    done = run(script_argv("web", "--dry-run"))
    assert done.returncode == 1
    assert done.stderr.startswith("CommandError: No settings: DJANGO_SETTINGS_MODULE")
    assert "Traceback" not in done.stderr


def test_failing_settings_are_one_line_and_a_traceback_on_request(
    tmp_path: Path,
) -> None:
    env = case_settings_env(tmp_path, "raise KeyError('SECRET_KEY')")
    done = run(script_argv("web", "--dry-run"), env=env)
    assert done.returncode == 1
    assert done.stderr == (
        "CommandError: The settings module 'case_settings' failed: KeyError: "
        "'SECRET_KEY'. HINT: Fix the settings; --traceback shows where it failed\n"
    )
    shown = run(script_argv("web", "--dry-run", "--traceback"), env=env)
    assert "Traceback (most recent call last)" in shown.stderr


def test_settings_that_import_what_is_missing_say_so(tmp_path: Path) -> None:
    env = case_settings_env(tmp_path, "import nowhere_to_be_found")
    done = run(script_argv("web", "--dry-run"), env=env)
    assert done.returncode == 1
    assert done.stderr == (
        "CommandError: Cannot import the settings module 'case_settings': No "
        "module named 'nowhere_to_be_found'. HINT: Install what the settings "
        "import, or fix the import\n"
    )


@pytest.mark.skipif(sys.version_info < (3, 11), reason="-P is new in Python 3.11")
def test_safe_path_keeps_the_working_directory_off_the_path() -> None:
    """``PYTHONSAFEPATH`` (``python -P``) asks for no working directory on the
    path: then the project must come from ``--pythonpath`` or ``PYTHONPATH``."""
    env = example_env(DJANGO_SETTINGS_MODULE="mysite.settings", PYTHONSAFEPATH="1")
    done = run(script_argv("web", "--dry-run"), env=env)
    assert done.returncode == 1
    assert "No module named 'mysite'" in done.stderr
    found = run(script_argv("web", "--dry-run", f"--pythonpath={EXAMPLE_DIR}"), env=env)
    assert found.returncode == 0, found.stderr


def test_colours_are_the_management_commands(tmp_path: Path) -> None:
    """``--force-color`` colours warnings; the error line only on a terminal."""
    env = case_settings_env(
        tmp_path, setting_of({"web": {"BACKEND": GUNICORN, "ARGS": {"wokers": 2}}})
    )
    args = ("web", "--dry-run", "--force-color")
    warned = run(script_argv(*args), env=env)
    assert warned.returncode == 0, warned.stderr
    assert warned.stderr.startswith("\x1b[")
    assert "prodserver.W002" in warned.stderr
    assert outcome(warned) == outcome(run(managed_argv(*args), env=env))
    plain = run(script_argv(*args), env={**env, "DJANGO_COLORS": "nocolor"})
    assert plain.stderr.startswith("prodserver.W002")
    failed = ("nope", "--dry-run", "--force-color")
    assert outcome(run(script_argv(*failed), env=env)) == outcome(
        run(managed_argv(*failed), env=env)
    )


def test_a_reader_that_goes_away_is_no_traceback() -> None:
    """``prodserver --all --dry-run | head -1``, the reader gone before it read."""
    argv = script_argv("--all", "--dry-run", "--settings=mysite.settings_workers")
    with subprocess.Popen(
        argv,
        cwd=EXAMPLE_DIR,
        env=example_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 141
    assert "Traceback" not in stderr


# -- the program it becomes --------------------------------------------------------

ENTRY_POINTS = {"script": script_argv, "python -m": module_argv}


@pytest.mark.integration
@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS))
def test_exec_keeps_the_pid_serves_and_stops_on_sigterm(
    entry_point: str, tmp_path: Path, port: int
) -> None:
    """As a Dockerfile's ``CMD ["prodserver", "gunicorn"]`` with ``WORKDIR`` the
    project and ``ENV DJANGO_SETTINGS_MODULE``."""
    argv = ENTRY_POINTS[entry_point]("gunicorn", "--", f"--bind={HOST}:{port}")
    env = example_env(DJANGO_SETTINGS_MODULE="mysite.settings_web")
    with launch(argv, tmp_path, env=env) as launched:
        status, body = wait_for_http(f"http://{HOST}:{port}/", launched.proc)
        assert status == 200, body
        assert isinstance(body, dict)
        assert body["settings"] == "mysite.settings_web"
        assert body["ppid"] == launched.pid  # a worker of the master we started
        assert "gunicorn" in " ".join(psutil.Process(launched.pid).cmdline())
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()
        assert wait_until(lambda: not launched.alive(), timeout=10), launched.alive()


@pytest.mark.integration
def test_spawn_mode_supervises_the_program(tmp_path: Path, port: int) -> None:
    argv = script_argv(
        "gunicorn", "--spawn", "--settings=mysite.settings_web", "--",
        f"--bind={HOST}:{port}",
    )  # fmt: skip
    with launch(argv, tmp_path) as launched:
        status, body = wait_for_http(f"http://{HOST}:{port}/", launched.proc)
        assert status == 200, body
        (program,) = launched.children()
        assert isinstance(body, dict)
        assert body["ppid"] == program.pid != launched.pid
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()
        assert wait_until(lambda: not launched.alive(), timeout=10), launched.alive()


@pytest.mark.integration
def test_before_steps_run_in_the_launcher_that_becomes_the_program(
    tmp_path: Path, port: int, example_db: Path
) -> None:
    """``BEFORE`` needs Django set up: the step runs in the launcher (its record
    has the launcher's PID), which then becomes gunicorn (the same PID)."""
    entry = {
        "BACKEND": GUNICORN,
        "ARGS": {"bind": f"{HOST}:{port}"},
        "BEFORE": ["note before-gunicorn"],
    }
    env = case_settings_env(tmp_path, setting_of({"web": entry}))
    env["EXAMPLE_DB"] = str(example_db)
    with launch(script_argv("web"), tmp_path, env=env) as launched:
        status, body = wait_for_http(f"http://{HOST}:{port}/", launched.proc)
        assert status == 200, body
        assert isinstance(body, dict)
        assert body["ppid"] == launched.pid
        ((runner, pid, finished),) = records(example_db, "before-gunicorn")
        assert (runner, pid) == ("step", launched.pid)
        assert finished is not None
        launched.signal(signal.SIGTERM)
        assert launched.wait() == 0, launched.text()


ENV_PROBE = '''
from django_prodserver.backends import ProcessBackend


class EnvProbe(ProcessBackend):
    """``env -0``: prints the environment the program was started with."""

    program = "env"

    def build_argv(self, options):
        return ["env", "-0"]
'''


def environ_of(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert done.returncode == 0, done.stderr
    items = (item.partition("=") for item in done.stdout.split("\0") if item)
    return {key: value for key, _, value in items}


def test_the_program_gets_the_management_commands_environment(
    tmp_path: Path,
) -> None:
    env = case_settings_env(
        tmp_path,
        setting_of({"probe": {"BACKEND": "probes.EnvProbe"}}),
        {"probes.py": ENV_PROBE},
    )
    got = environ_of(run(script_argv("probe"), env=env))
    assert got == environ_of(run(managed_argv("probe"), env=env))
    assert got["DJANGO_SETTINGS_MODULE"] == "case_settings"
    assert got["PYTHONPATH"].split(":")[:2] == [str(tmp_path), str(EXAMPLE_DIR)]


# -- when Django is set up ---------------------------------------------------------

#: Runs the console script's ``main()`` and says whether the app registry was
#: loaded by the end (after an exec it would say nothing: dry runs only).
REGISTRY_PROBE = """
import sys
from django_prodserver.command.console import main
status = main(sys.argv[1:])
from django.apps import apps
sys.stderr.write(f"registry loaded: {apps.ready}\\n")
sys.exit(status)
"""

REGISTRY_BACKENDS = '''
from django.apps import apps
from django_prodserver.backends import WorkerBackend


class DeclaredProbe(WorkerBackend):
    """Reads the app registry, and says so."""

    needs_django_setup = True

    def build_argv(self, options):
        return ["echo", *sorted(c.label for c in apps.get_app_configs())]


class UndeclaredProbe(DeclaredProbe):
    """Reads the app registry without saying so."""

    needs_django_setup = False
'''

MODEL_BACKEND = """
from jobs.models import Record  # models, as the module is imported
from django_prodserver.backends import WorkerBackend


class ModelProbe(WorkerBackend):
    def build_argv(self, options):
        return ["echo", Record._meta.db_table]
"""

LATE_APP = '''
"""An app whose AppConfig can be imported only while Django sets up: a stand-in
for an INSTALLED_APPS entry that the setting alone does not explain."""

from django.apps import AppConfig, apps
from django.core.exceptions import AppRegistryNotReady

if not (apps.loading or apps.apps_ready):
    raise AppRegistryNotReady("imported before django.setup()")


class LateConfig(AppConfig):
    name = "lateapp"
'''

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
TASKS = "django_prodserver.backends.django_tasks.DjangoTasksWorker"
Q2 = "django_prodserver.backends.django_q2.DjangoQ2Worker"
APP_CLASSES = (
    "INSTALLED_APPS = [{'django_q': 'django_q.apps.DjangoQConfig', "
    "'jobs': 'jobs.apps.JobsConfig'}.get(app, app) for app in INSTALLED_APPS]\n"
)
FILES = {
    "probes.py": REGISTRY_BACKENDS,
    "modelprobe.py": MODEL_BACKEND,
    "lateapp/__init__.py": "",
    "lateapp/apps.py": LATE_APP,
}
REGISTRY_CASES = {
    # Web servers, Celery, django-tasks and Django-Q2 with INSTALLED_APPS as
    # module paths, as the example project has it.
    "workers": ("", {}, False),
    # AppConfig classes in INSTALLED_APPS: their names are read from the classes.
    "app classes": (
        APP_CLASSES, {"q2": {"BACKEND": Q2}, "tasks": {"BACKEND": TASKS}}, False
    ),
    # An entry the setting alone does not explain: the app check asks the registry.
    "an app check that needs the registry": (
        "INSTALLED_APPS = ['lateapp.apps.LateConfig', *INSTALLED_APPS]\n"
        + APP_CLASSES,
        {"q2": {"BACKEND": Q2, "ARGS": {"verbosity": 1}}},
        True,
    ),
    # Management commands that run in the launcher.
    "BEFORE steps": (
        "",
        {"web": {"BACKEND": GUNICORN, "BEFORE": ["note from-the-launcher"]}},
        True,
    ),
    "a backend that declares it": (
        "", {"probe": {"BACKEND": "probes.DeclaredProbe"}}, True
    ),
    "a backend whose module imports models": (
        "", {"probe": {"BACKEND": "modelprobe.ModelProbe"}}, True
    ),
    # It fails without the registry: Django is set up and it is resolved again,
    # its warning said once.
    "a backend that uses it without saying": (
        "",
        {"probe": {"BACKEND": "probes.UndeclaredProbe", "COLOUR": "blue"}},
        True,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REGISTRY_CASES))
def test_django_is_set_up_only_when_an_entry_needs_it(
    case: str, tmp_path: Path
) -> None:
    prelude, processes, loaded = REGISTRY_CASES[case]
    setting = prelude + (setting_of(processes) if processes else "")
    env = case_settings_env(tmp_path, setting, FILES)
    if not processes:
        env["DJANGO_SETTINGS_MODULE"] = "mysite.settings_workers"
    args = ("--all", "--dry-run", "--format=json")
    done = run([script_python(), "-c", REGISTRY_PROBE, *args], env=env)
    *stderr, said = done.stderr.splitlines(keepends=True)
    assert said == f"registry loaded: {loaded}\n", done.stderr
    expected = run(managed_argv(*args), env=env)
    assert expected.returncode == 0, expected.stderr
    assert (done.returncode, done.stdout, "".join(stderr)) == outcome(expected)
    assert outcome(run(script_argv(*args), env=env)) == outcome(expected)
