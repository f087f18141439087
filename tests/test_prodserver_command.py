"""The ``prodserver`` command through ``call_command`` and as a subprocess."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.test import override_settings

from tests.commands import json_plans, run
from tests.processes import (
    EXAMPLE_DIR,
    MANAGE_PY,
    example_env,
    manage,
    manage_with_settings,
    setting_of,
)

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
TWO_PROCESSES = {
    "web": {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8000", "workers": 4}},
    "api": {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8001"}},
}


def test_dry_run_shell_line_is_the_gunicorn_command() -> None:
    out, _ = run("web", "--dry-run")
    words = shlex.split(out.strip())
    env = dict(w.split("=", 1) for w in words[:2])
    assert env["DJANGO_SETTINGS_MODULE"] == "mysite.settings"
    assert str(EXAMPLE_DIR) in env["PYTHONPATH"].split(":")
    argv = words[2:]
    assert Path(argv[0]).name == "gunicorn"
    assert argv[1:4] == ["--bind=127.0.0.1:8000", "--workers=2", "--timeout=60"]
    assert argv[-1] == "mysite.wsgi:application"


def test_json_dry_run_has_the_documented_keys() -> None:
    (plan,) = json_plans("web")
    assert set(plan) == {"name", "backend", "argv", "env", "cwd"}
    assert plan["name"] == "web"
    assert plan["backend"] == GUNICORN
    assert set(plan["env"]) == {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}  # type: ignore[arg-type]


def test_extra_args_override_configured_options() -> None:
    (plan,) = json_plans("web", extra_args=["--workers=8"])
    argv = plan["argv"]
    assert isinstance(argv, list)
    assert argv.count("--workers=8") == 1
    assert not [a for a in argv if a.startswith("--workers=") and a != "--workers=8"]


def test_no_name_with_one_process_runs_that_one() -> None:
    (plan,) = json_plans()
    assert plan["name"] == "web"


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_no_name_with_several_processes_exits_2_and_lists_them() -> None:
    with pytest.raises(CommandError) as info:
        run("--dry-run")
    assert info.value.returncode == 2
    assert "web, api" in str(info.value)


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(CommandError, match=r"Process 'nope' not found .* web, api"):
        run("nope", "--dry-run")


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_all_and_several_names_print_one_plan_each() -> None:
    assert [p["name"] for p in json_plans("--all")] == ["web", "api"]
    assert [p["name"] for p in json_plans("api", "web")] == ["api", "web"]


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_with_several_processes_each_argument_names_its_process() -> None:
    web, api = json_plans(
        "web", "api", extra_args=["web:--workers=8", "api:-w", "api:3"]
    )
    assert web["argv"][-2:] == ["--workers=8", "mysite.wsgi:application"]  # type: ignore[index]
    assert api["argv"][-3:] == ["-w", "3", "mysite.wsgi:application"]  # type: ignore[index]
    assert "--workers=4" not in web["argv"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("extra_args", "words"),
    [
        (["--workers=8"], "'--workers=8' after -- does not say which of the processes"),
        (["worker:-c", "worker:2"], "'worker:-c' after -- is for 'worker', which is"),
        (
            ["--bind=unix:/run/web.sock"],
            "does not say which of the processes (web, api)",
        ),
    ],
)
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_with_several_processes_unnamed_arguments_are_refused(
    extra_args: list[str], words: str
) -> None:
    with pytest.raises(CommandError) as info:
        run("--all", "--dry-run", extra_args=extra_args)
    assert info.value.returncode == 2
    assert words in str(info.value)
    assert "put the process's name before each argument: web:--workers=8" in str(
        info.value
    )


def test_unnamed_arguments_with_several_processes_exit_2(tmp_path: Path) -> None:
    result = manage_with_settings(
        tmp_path,
        setting_of(TWO_PROCESSES),
        *("prodserver", "web", "api", "--dry-run", "--", "--workers=8"),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "'--workers=8' after -- does not say which" in result.stderr
    named = manage_with_settings(
        tmp_path,
        setting_of(TWO_PROCESSES),
        *("prodserver", "web", "api", "--dry-run", "--", "api:--workers=8"),
    )
    assert named.returncode == 0, named.stderr
    web, api = named.stdout.splitlines()
    assert "--workers=8" not in web
    assert "--workers=8" in api


def test_with_one_process_arguments_are_taken_as_they_are() -> None:
    (plan,) = json_plans("web", extra_args=["web:thing"])
    assert plan["argv"][-2:] == ["web:thing", "mysite.wsgi:application"]  # type: ignore[index]


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_list_shows_names_backends_and_commands() -> None:
    out, _ = run("--list")
    lines = out.splitlines()
    assert lines[0].split() == ["web", GUNICORN]
    assert "--bind=127.0.0.1:8000" in lines[1]
    assert lines[2].split() == ["api", GUNICORN]
    assert "--bind=127.0.0.1:8001" in lines[3]


@override_settings(
    PRODUCTION_PROCESSES={"web": {"BACKEND": GUNICORN, "ENV": {"FOO": "bar baz"}}}
)
def test_env_entries_reach_the_plan() -> None:
    (plan,) = json_plans("web")
    assert plan["env"]["FOO"] == "bar baz"  # type: ignore[index]


@override_settings(PRODUCTION_PROCESSES={"web": {"BACKEND": GUNICORN}})
def test_port_default_binds_every_interface(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "5050")
    (plan,) = json_plans("web")
    assert "--bind=0.0.0.0:5050" in plan["argv"]  # type: ignore[operator]


@override_settings(
    PRODUCTION_PROCESSES={"web": {"BACKEND": GUNICORN, "ARGS": {"bind": "x:1"}}}
)
def test_port_default_is_not_used_when_args_bind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "5050")
    (plan,) = json_plans("web")
    assert [a for a in plan["argv"] if a.startswith("--bind")] == ["--bind=x:1"]  # type: ignore[union-attr]


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_each_gunicorn_gets_its_own_control_socket() -> None:
    sockets = [
        [a for a in plan["argv"] if a.startswith("--control-socket=")]  # type: ignore[union-attr]
        for plan in json_plans("--all")
    ]
    assert all(len(found) == 1 for found in sockets)
    assert sockets[0] != sockets[1]


@override_settings(
    PRODUCTION_PROCESSES={
        "web": {"BACKEND": GUNICORN, "ARGS": {"control-socket": "/run/my.ctl"}},
        "api": {"BACKEND": GUNICORN, "ARGS": {"no-control-socket": True}},
    }
)
def test_configured_control_socket_is_kept() -> None:
    web, api = json_plans("--all")
    assert [a for a in web["argv"] if "control-socket" in a] == [
        "--control-socket=/run/my.ctl"
    ]  # type: ignore[union-attr]
    assert [a for a in api["argv"] if "control-socket" in a] == ["--no-control-socket"]  # type: ignore[union-attr]


@override_settings(
    PRODUCTION_PROCESSES={"web": {"BACKEND": GUNICORN, "APP": "other.wsgi.app"}}
)
def test_app_overrides_the_wsgi_target() -> None:
    (plan,) = json_plans("web")
    assert plan["argv"][-1] == "other.wsgi:app"  # type: ignore[index]


def test_missing_setting_says_how_to_add_it() -> None:
    from django.conf import settings

    with override_settings():
        del settings.PRODUCTION_PROCESSES
        with pytest.raises(
            CommandError, match="PRODUCTION_PROCESSES setting not found"
        ):
            run("--dry-run")


def test_dry_run_does_not_import_gunicorn() -> None:
    code = (
        "import sys, django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('prodserver', 'web', '--dry-run');"
        "found = [m for m in sys.modules if m.split('.')[0] == 'gunicorn'];"
        "print('IMPORTED' if found else 'CLEAN')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=EXAMPLE_DIR,
        env=example_env(DJANGO_SETTINGS_MODULE="mysite.settings"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "CLEAN"


def test_dry_run_importtime_shows_no_gunicorn() -> None:
    result = manage(
        "prodserver", "web", "--dry-run", env=example_env(PYTHONPROFILEIMPORTTIME="1")
    )
    assert result.returncode == 0, result.stderr
    imported = [
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "django_prodserver.command.cli" in imported  # the profile covers the command
    # Only `--export` needs a renderer (the package names the formats).
    assert not [n for n in imported if n.startswith("django_prodserver.export.")]
    assert not [name for name in imported if name.split(".")[0] == "gunicorn"]


def test_command_works_from_another_directory(other_dir: Path) -> None:
    result = manage("prodserver", "web", "--dry-run", "--format=json", cwd=other_dir)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["cwd"] == str(other_dir)
    assert str(EXAMPLE_DIR) in plan["env"]["PYTHONPATH"].split(":")


def test_settings_and_pythonpath_options_reach_the_child(tmp_path: Path) -> None:
    result = manage(
        "prodserver", "web", "--dry-run", "--format=json",
        "--settings=mysite.settings_alt", f"--pythonpath={tmp_path}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    env = json.loads(result.stdout)["env"]
    assert env["DJANGO_SETTINGS_MODULE"] == "mysite.settings_alt"
    assert env["PYTHONPATH"].split(":")[:2] == [str(tmp_path), str(EXAMPLE_DIR)]


def test_double_dash_arguments_from_the_command_line() -> None:
    result = manage(
        "prodserver", "web", "--dry-run", "--", "--workers", "8", "--preload"
    )
    assert result.returncode == 0, result.stderr
    argv = shlex.split(result.stdout)[2:]
    assert argv[-4:] == ["--workers", "8", "--preload", "mysite.wsgi:application"]
    assert "--workers=2" not in argv


def test_not_installed_program_is_a_one_line_error(tmp_path: Path) -> None:
    """With gunicorn hidden from the interpreter, running fails before anything else."""
    blocker = tmp_path / "gunicorn.py"
    blocker.write_text("raise ImportError('hidden by the test')\n")
    sitecustomize = tmp_path / "sitecustomize.py"
    sitecustomize.write_text(
        "import importlib.util, sys\n"
        "orig = importlib.util.find_spec\n"
        "def find_spec(name, package=None):\n"
        "    return None if name == 'gunicorn' else orig(name, package)\n"
        "importlib.util.find_spec = find_spec\n"
    )
    env = example_env(PYTHONPATH=str(tmp_path))
    for checks in (["--skip-checks"], []):
        result = subprocess.run(
            [sys.executable, str(MANAGE_PY), "prodserver", "web", *checks],
            cwd=EXAMPLE_DIR, env=env, capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip
        assert result.returncode == 1
        assert (
            'gunicorn is not installed: pip install "django-prodserver[gunicorn]"'
            in result.stderr
        )
        assert result.stderr.count("is not installed") == 1  # said once
        assert "Traceback" not in result.stderr


def test_version_is_prodservers_own() -> None:
    from django_prodserver import __version__

    result = manage("prodserver", "--version")
    assert result.stdout.strip() == __version__


def test_help_shows_the_arguments_after_the_double_dash() -> None:
    result = manage("prodserver", "--help")
    assert result.returncode == 0
    usage = result.stdout.split("\n\n")[0]
    assert usage.rstrip().endswith("[NAME ...] [-- PROGRAM_ARGS ...]")


def test_a_reader_that_goes_away_is_no_traceback() -> None:
    """``prodserver --dry-run | head -1``: the reader closes the pipe early."""
    argv = [sys.executable, str(MANAGE_PY), "prodserver", "--all", "--dry-run"]
    with subprocess.Popen(
        [*argv, "--settings=mysite.settings_workers"],
        cwd=EXAMPLE_DIR,
        env=example_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()  # before anything was read
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 141  # 128 + SIGPIPE, as a POSIX tool
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr


def test_list_shows_runnable_names_and_the_environment_that_differs() -> None:
    result = manage("prodserver", "--list", "--settings=mysite.settings_workers")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines() if line[:1] != " "]
    assert names == [
        "web", "worker", "beat", "flower", "tasks", "tasks_pool", "q2", "q2_other",
    ]  # fmt: skip
    entries = re.split(r"\n(?=\S)", result.stdout.strip())
    pool = next(entry for entry in entries if entry.startswith("tasks_pool "))
    assert "(2 processes)" in pool.splitlines()[0]
    assert [line.count("db_worker") for line in pool.splitlines()[1:]] == [1, 1]
    other = next(entry for entry in entries if entry.startswith("q2_other "))
    assert "Q_CLUSTER_NAME=other " in other
    assert "DJANGO_SETTINGS_MODULE" not in result.stdout  # every process has it


def test_list_and_export_describe_a_broken_entry(tmp_path: Path) -> None:
    setting = setting_of(
        {
            "web": {"BACKEND": GUNICORN},
            "broken": {"BACKEND": "nowhere.Server"},
        }
    )
    listed = manage_with_settings(tmp_path, setting, "prodserver", "--list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("web ")
    assert "\nbroken  prodserver.E004: Cannot import BACKEND 'nowhere.Server'" in (
        listed.stdout
    )
    exported = manage_with_settings(
        tmp_path, setting, "prodserver", "--export", "procfile"
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("# 'broken' is left out: prodserver.E004: ")
    assert "\nweb: prodserver web" in exported.stdout
    run = manage_with_settings(tmp_path, setting, "prodserver", "broken", "--dry-run")
    assert run.returncode == 1
    assert "prodserver.E004" in run.stderr
