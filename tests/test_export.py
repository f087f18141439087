"""``prodserver --export procfile|systemd|compose``: files that start real processes."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import override_settings

from django_prodserver.export.deployment import Deployment, seconds
from django_prodserver.export.systemd import systemd_word
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    MANAGE_PY,
    example_env,
    launch,
    manage,
    wait_for_http,
)

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
TWO_PROCESSES = {
    "web": {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8000"}},
    "api_v2": {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8001"}},
}
PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
UNIT_KEYS = {
    "ExecStart",
    "WorkingDirectory",
    "Environment",
    "KillMode",
    "TimeoutStopSec",
    "Restart",
}


def exported(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("prodserver", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def parse_procfile(text: str) -> dict[str, list[str]]:
    """``name: command`` lines, as honcho or Heroku read them."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = PROCFILE_LINE.match(line)
        assert match, f"not a Procfile line: {line!r}"
        found[match[1]] = shlex.split(match[2])
    return found


def parse_units(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """Unit file name → section → key → value, from the export's ``# name`` headers."""
    units: dict[str, dict[str, dict[str, str]]] = {}
    sections: dict[str, dict[str, str]] = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("# ") and line.endswith(".service"):
            sections = units.setdefault(line[2:], {})
        elif line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            sections[section] = {}
        elif line and not line.startswith("#"):
            key, _, value = line.partition("=")
            sections[section][key] = value
    return units


def systemd_split(value: str) -> list[str]:
    """How systemd splits ``ExecStart=``/``Environment=`` (enough for our output)."""
    return [w.replace("%%", "%").replace("$$", "$") for w in shlex.split(value)]


def unit_environment(service: dict[str, str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in systemd_split(service["Environment"]))


def with_python_on_path(env: dict[str, str]) -> dict[str, str]:
    """Put this interpreter first on PATH, as a buildpack or an image would."""
    bin_dir = os.path.dirname(sys.executable)
    return {**env, "PATH": os.pathsep.join([bin_dir, env.get("PATH", "")])}


# -- Procfile ---------------------------------------------------------------------


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_procfile_has_a_name_command_line_per_process() -> None:
    commands = parse_procfile(exported("--export", "procfile"))
    assert list(commands) == ["web", "api_v2"]
    for name, argv in commands.items():
        assert argv[0] == "python"
        assert Path(argv[1]).resolve() == MANAGE_PY
        assert not Path(argv[1]).is_absolute()  # the app runs from its directory
        assert argv[2:] == ["prodserver", name]


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_export_of_named_processes_only() -> None:
    commands = parse_procfile(exported("--export", "procfile", "api_v2"))
    assert list(commands) == ["api_v2"]


RELEASE = "django_prodserver.backends.release.Release"
WITH_RELEASES = {
    "web": {"BACKEND": GUNICORN},
    "migrate": {"BACKEND": RELEASE, "BEFORE": ["migrate --noinput"]},
    "cache_table": {"BACKEND": RELEASE, "BEFORE": ["createcachetable"]},
}


@override_settings(PRODUCTION_PROCESSES=WITH_RELEASES)
def test_procfile_release_line_runs_the_one_shot_processes() -> None:
    commands = parse_procfile(exported("--export", "procfile"))
    assert list(commands) == ["release", "web"]
    assert commands["release"][2:] == ["prodserver", "migrate", "cache_table"]
    assert commands["web"][2:] == ["prodserver", "web"]
    only = parse_procfile(exported("--export", "procfile", "cache_table"))
    assert only["release"][2:] == ["prodserver", "cache_table"]


@pytest.mark.integration
def test_procfile_release_line_migrates_when_run(tmp_path: Path) -> None:
    setting = {"release": {"BACKEND": RELEASE, "BEFORE": ["migrate --noinput"]}}
    source = "from mysite.settings import *  # noqa: F403\n\n"
    (tmp_path / "release_settings.py").write_text(
        f"{source}PRODUCTION_PROCESSES = {setting!r}\n"
    )
    db = tmp_path / "fresh.sqlite3"
    env = example_env(
        DJANGO_SETTINGS_MODULE="release_settings",
        PYTHONPATH=str(tmp_path),
        EXAMPLE_DB=str(db),
    )
    result = manage("prodserver", "--export=procfile", env=env)
    assert result.returncode == 0, result.stderr
    release = parse_procfile(result.stdout)["release"]
    ran = subprocess.run(
        release, cwd=EXAMPLE_DIR, env=with_python_on_path(env), capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "Applying jobs.0001_initial... OK" in ran.stdout


@pytest.mark.integration
def test_procfile_line_serves_when_run(tmp_path: Path, port: int) -> None:
    result = manage("prodserver", "--export=procfile", "--", f"--bind={HOST}:{port}")
    assert result.returncode == 0, result.stderr
    commands = parse_procfile(result.stdout)
    assert commands["web"][-2:] == ["--", f"--bind={HOST}:{port}"]
    env = with_python_on_path(example_env())
    with launch(commands["web"], tmp_path, env=env) as server:
        status, body = wait_for_http(f"http://{HOST}:{port}/", server.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["settings"] == "mysite.settings"
        server.signal(signal.SIGTERM)
        assert server.wait() == 0


# -- systemd ----------------------------------------------------------------------


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_systemd_units_have_the_keys_a_service_needs() -> None:
    units = parse_units(exported("--export", "systemd", "--stop-timeout", "25"))
    assert list(units) == ["mysite-web.service", "mysite-api_v2.service"]
    for unit_name, sections in units.items():
        service = sections["Service"]
        assert set(service) >= UNIT_KEYS, unit_name
        argv = systemd_split(service["ExecStart"])
        assert argv[0] == os.path.abspath(sys.executable)
        assert Path(argv[1]) == MANAGE_PY  # absolute
        assert argv[2:4] == ["prodserver", unit_name[7:-8]]
        assert "--stop-timeout=25" in argv
        assert Path(service["WorkingDirectory"]).is_absolute()
        assert unit_environment(service)["DJANGO_SETTINGS_MODULE"] == "mysite.settings"
        assert service["KillMode"] == "mixed"
        assert service["TimeoutStopSec"] == "25s"
        assert service["Restart"] == "on-failure"
        assert sections["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    text = exported("--export", "systemd", "--stop-timeout", "12.5")
    paths = []
    for unit in re.split(r"\n(?=# \S+\.service\n)", text):
        name = unit.splitlines()[0][2:]
        path = tmp_path / name
        path.write_text(unit)
        paths.append(path)
    assert len(paths) == 2
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # It exits 0 even when it ignores a bad line: read what it says about ours.
    ours = [
        line
        for line in result.stderr.splitlines()
        if "mysite-" in line or str(tmp_path) in line
    ]
    assert result.returncode == 0, result.stderr
    assert not ours, result.stderr


@pytest.mark.integration
def test_systemd_unit_runs_as_systemd_would_start_it(
    tmp_path: Path, port: int, other_dir: Path
) -> None:
    result = manage(
        "prodserver",
        "--export=systemd",
        "--settings=mysite.settings_alt",
        "--",
        f"--bind={HOST}:{port}",
        cwd=other_dir,
    )
    assert result.returncode == 0, result.stderr
    service = parse_units(result.stdout)["mysite-web.service"]["Service"]
    environment = unit_environment(service)
    assert environment["DJANGO_SETTINGS_MODULE"] == "mysite.settings_alt"
    env = {**example_env(), **environment}
    argv = systemd_split(service["ExecStart"])
    with launch(argv, tmp_path, cwd=service["WorkingDirectory"], env=env) as server:
        status, body = wait_for_http(f"http://{HOST}:{port}/", server.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["label"] == "alternative"
        server.signal(signal.SIGTERM)  # KillMode=mixed: the main process only
        assert server.wait() == 0
        assert not server.alive()


# -- compose ----------------------------------------------------------------------


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_compose_block_is_yaml_with_a_service_per_process() -> None:
    document = yaml.safe_load(exported("--export", "compose"))
    services = document["services"]
    assert list(services) == ["web", "api_v2"]
    for name, service in services.items():
        command = service["command"]
        assert isinstance(command, list)  # exec form: no shell in between
        assert command[0] == "python"
        assert command[2:] == ["prodserver", name]
        assert service["stop_signal"] == "SIGTERM"
        assert service["stop_grace_period"] == "10s"
        assert service["build"] == "."


def test_compose_command_runs_in_the_project_directory() -> None:
    result = manage("prodserver", "--export=compose", "--stop-timeout=30")
    assert result.returncode == 0, result.stderr
    service = yaml.safe_load(result.stdout)["services"]["web"]
    assert service["stop_grace_period"] == "30s"
    command = service["command"]
    assert command[1] == "manage.py"
    dry_run = subprocess.run(
        [*command, "--dry-run", "--format=json"],
        cwd=EXAMPLE_DIR,
        env=with_python_on_path(example_env()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    direct = manage("prodserver", "web", "--dry-run", "--format=json")
    assert json.loads(dry_run.stdout)["argv"] == json.loads(direct.stdout)["argv"]


# -- options, errors and quoting -----------------------------------------------


def test_options_that_change_how_a_process_runs_are_repeated() -> None:
    commands = parse_procfile(
        exported(
            "--export",
            "procfile",
            "--spawn",
            "--stop-timeout=2.5",
            settings="mysite.settings",
            extra_args=["--workers=3"],
        )
    )
    assert commands["web"][3:] == [
        "web",
        "--settings=mysite.settings",
        "--spawn",
        "--stop-timeout=2.5",
        "--",
        "--workers=3",
    ]


@pytest.mark.parametrize("value", ["0", "-1", "inf"])
def test_stop_timeout_must_be_positive(value: str) -> None:
    with pytest.raises(CommandError, match="stop-timeout"):
        exported("--export", "systemd", f"--stop-timeout={value}")


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_unknown_name_is_an_error_listing_the_processes() -> None:
    with pytest.raises(CommandError, match=r"'nope' not found .* web, api_v2"):
        exported("--export", "compose", "nope")


def test_without_manage_py_the_command_uses_python_m_django(other_dir: Path) -> None:
    deploy = Deployment(
        names=("web",),
        project="mysite",
        settings="mysite.settings_alt",
        python=sys.executable,
        manage_py=None,
        project_root=str(EXAMPLE_DIR),
        cwd=str(other_dir),
    )
    argv = deploy.command("web", sys.executable, relative=False)
    assert argv[1:5] == ["-m", "django", "prodserver", "web"]
    result = subprocess.run(
        [*argv, "--dry-run", "--format=json"],
        cwd=other_dir,
        env=example_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["env"]["DJANGO_SETTINGS_MODULE"] == "mysite.settings_alt"


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("/srv/app/manage.py", "/srv/app/manage.py"),
        ("/srv/my app/manage.py", '"/srv/my app/manage.py"'),
        ("--bind=0.0.0.0:$PORT", '"--bind=0.0.0.0:$$PORT"'),
        ("50%", '"50%%"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a\\b", '"a\\\\b"'),
        (";", '";"'),
        ("", '""'),
    ],
)
def test_systemd_words_are_quoted_and_escaped(word: str, quoted: str) -> None:
    assert systemd_word(word) == quoted
    assert systemd_split(quoted) == [word]


def test_environment_words_keep_dollar_signs() -> None:
    assert systemd_word("A=$x", expands_variables=False) == '"A=$x"'


@pytest.mark.parametrize(
    ("value", "text"), [(10.0, "10"), (2.5, "2.5"), (0.125, "0.125"), (90, "90")]
)
def test_seconds_are_written_as_plain_numbers(value: float, text: str) -> None:
    assert seconds(value) == text
