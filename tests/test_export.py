"""``prodserver --export``: files that start real processes, read back by the
real parsers (honcho and ``sh``, ``systemd-analyze``, supervisord, YAML)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from django_prodserver.export.deployment import Deployment, Process, seconds
from django_prodserver.export.systemd import systemd_word
from tests.exports import (
    SYSTEMD_ANALYZE,
    procfile_commands,
    sh_words,
    supervisord_argv,
    supervisord_programs,
    systemd_expanded,
    systemd_timespan,
    systemd_verify,
    unit_files,
    yaml_documents,
)
from tests.processes import (
    EXAMPLE_DIR,
    HOST,
    console_script,
    example_env,
    launch,
    manage,
    wait_for_http,
)

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
WAITRESS = "django_prodserver.backends.waitress.WaitressServer"
CELERY_WORKER = "django_prodserver.backends.celery.CeleryWorker"
BUDGETS = {
    "web": {"BACKEND": GUNICORN},  # graceful-timeout 30 s + 5
    "api": {"BACKEND": "django_prodserver.backends.uvicorn.UvicornServer"},
    "worker": {
        "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
        "APP": "mysite.celery.app",
        "ARGS": {"time-limit": 300},
    },
    "quick": {"BACKEND": GUNICORN, "STOP_TIMEOUT": 2.5},
}
TWO_PROCESSES = {
    "web": {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8000"}},
    "api_v2": {"BACKEND": GUNICORN, "ARGS": {"bind": "127.0.0.1:8001"}},
}
DEPLOY = "--settings=mysite.settings_deploy"
#: The stop budgets of settings_deploy's processes where a format needs a
#: number: gunicorn's 30 s and 5; a day for the Celery worker without a time
#: limit and the django-tasks worker, which finish what they run.
OWN_BUDGETS = {"release": 10, "web": 35, "worker": 86400, "beat": 10, "tasks": 86400}
needs_systemd = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed"
)


def exported(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("prodserver", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def procfile(text: str) -> dict[str, list[str]]:
    """``name → argv``: honcho's reading, then ``sh``'s split of the command."""
    return {
        name: sh_words(command) for name, command in procfile_commands(text).items()
    }


def units(text: str, directory: Path) -> dict[str, dict[str, list[str]]]:
    """Unit name → its values as systemd loaded them (no complaint allowed)."""
    dump, complaints = systemd_verify(unit_files(text, directory))
    assert not complaints
    loaded = {}
    for name, unit in dump.items():
        values = dict(unit.values)
        values["argv"] = [systemd_expanded(word) for word in unit.argv]
        values["Environment"] = unit.environment
        loaded[name] = values
    return loaded


def with_python_on_path(env: dict[str, str]) -> dict[str, str]:
    """Put this interpreter first on PATH, as a buildpack or an image would."""
    bin_dir = os.path.dirname(sys.executable)
    return {**env, "PATH": os.pathsep.join([bin_dir, env.get("PATH", "")])}


# -- Procfile ---------------------------------------------------------------------


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_procfile_has_a_name_command_line_per_process() -> None:
    commands = procfile(exported("--export", "procfile"))
    assert list(commands) == ["web", "api_v2"]
    for name, argv in commands.items():
        # The console script; the app runs from its directory: a relative path.
        assert argv[:3] == ["prodserver", name, "--settings=mysite.settings"]
        [pythonpath] = argv[3:]
        assert pythonpath == f"--pythonpath={os.path.relpath(EXAMPLE_DIR)}"


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_export_of_named_processes_only() -> None:
    commands = procfile(exported("--export", "procfile", "api_v2"))
    assert list(commands) == ["api_v2"]


RELEASE = "django_prodserver.backends.release.Release"
WITH_RELEASES = {
    "web": {"BACKEND": GUNICORN},
    "migrate": {"BACKEND": RELEASE, "BEFORE": ["migrate --noinput"]},
    "cache_table": {"BACKEND": RELEASE, "BEFORE": ["createcachetable"]},
}


@override_settings(PRODUCTION_PROCESSES=WITH_RELEASES)
def test_procfile_release_line_runs_the_one_shot_processes() -> None:
    commands = procfile(exported("--export", "procfile"))
    assert list(commands) == ["release", "web"]
    assert commands["release"][:3] == ["prodserver", "migrate", "cache_table"]
    assert commands["web"][:2] == ["prodserver", "web"]
    only = procfile(exported("--export", "procfile", "cache_table"))
    assert only["release"][:3] == [
        "prodserver",
        "cache_table",
        "--settings=mysite.settings",
    ]


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
    release = procfile(result.stdout)["release"]
    ran = subprocess.run(
        release, cwd=EXAMPLE_DIR, env=with_python_on_path(env), capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "Applying jobs.0001_initial... OK" in ran.stdout


@pytest.mark.parametrize("word", ["a\nevil: touch x", "\r", "\x85", "x\u2028y"])
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_procfile_refuses_a_line_break(word: str) -> None:
    with pytest.raises(CommandError, match=r"prodserver\.E027: .*holds the character"):
        exported("--export", "procfile", "web", extra_args=[word])


@pytest.mark.integration
def test_procfile_line_serves_when_run(tmp_path: Path, port: int) -> None:
    result = manage("prodserver", "--export=procfile", "--", f"--bind={HOST}:{port}")
    assert result.returncode == 0, result.stderr
    commands = procfile(result.stdout)
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


@needs_systemd
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_systemd_units_have_the_keys_a_service_needs(tmp_path: Path) -> None:
    loaded = units(exported("--export", "systemd", "--stop-timeout", "25"), tmp_path)
    assert list(loaded) == ["mysite-web.service", "mysite-api_v2.service"]
    for unit_name, unit in loaded.items():
        argv = unit["argv"]
        assert argv[0] == console_script()  # absolute
        assert argv[1:5] == [
            unit_name[7:-8], "--settings=mysite.settings",
            f"--pythonpath={EXAMPLE_DIR}", "--stop-timeout=25",
        ]  # fmt: skip
        assert "--stop-timeout=25" in argv
        assert unit["WorkingDirectory"] == [str(EXAMPLE_DIR)]
        assert "DJANGO_SETTINGS_MODULE=mysite.settings" in unit["Environment"]
        assert unit["KillMode"] == ["mixed"]
        assert unit["TimeoutStopSec"] == ["25s"]
        assert unit["Restart"] == ["on-failure"]


@needs_systemd
def test_systemd_export_of_a_deployment(tmp_path: Path, other_dir: Path) -> None:
    """Run from another directory, with a prefix and an environment file: the
    release step is a oneshot unit the others require and start after; the
    database and the broker of this machine are wanted and started before."""
    result = manage(
        "prodserver", "--export=systemd", DEPLOY, "--name-prefix=shop-",
        "--env-file=/etc/shop/env", cwd=other_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded = units(result.stdout, tmp_path)
    assert list(loaded) == [
        f"shop-{name}.service" for name in ("release", "web", "worker", "beat", "tasks")
    ]
    for name, unit in loaded.items():
        assert unit["WorkingDirectory"] == [str(EXAMPLE_DIR)]  # not other_dir
        assert unit["EnvironmentFile"] == ["/etc/shop/env"]
        assert unit["Type"] == ["oneshot" if name == "shop-release.service" else "exec"]
        after = unit["After"]
        assert "postgresql.service (origin-file)" in after
        wants = " ".join(unit["Wants"])
        assert "postgresql.service" in wants
        celery = name in ("shop-worker.service", "shop-beat.service")
        assert ("redis-server.service" in wants) == celery
        if name != "shop-release.service":
            assert "shop-release.service (origin-file)" in after
            assert "shop-release.service (origin-file)" in unit["Requires"]


@needs_systemd
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_systemd_stop_budget_is_a_valid_time_span(tmp_path: Path) -> None:
    text = exported("--export", "systemd", "web", "--stop-timeout", "2.0001")
    assert "TimeoutStopSec=2.0001s" in text
    assert systemd_timespan("2.0001s") == 2_000_100
    units(text, tmp_path)  # and no complaint


@pytest.mark.parametrize("export_format", ["systemd", "compose", "kubernetes"])
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_a_stop_budget_no_process_manager_holds_is_refused(export_format: str) -> None:
    with pytest.raises(CommandError, match=r"seconds up to a year .*'1e300'"):
        exported("--export", export_format, "--stop-timeout", "1e300")


@pytest.mark.parametrize("word", ["a;ExecStartPre=/bin/touch /tmp/x", "$HOME", "50%"])
@needs_systemd
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_systemd_words_read_back_exactly(word: str, tmp_path: Path) -> None:
    loaded = units(exported("--export", "systemd", "web", extra_args=[word]), tmp_path)
    unit = loaded["mysite-web.service"]
    assert unit["argv"][-2:] == ["--", word]
    assert "ExecStartPre" not in unit


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
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze is not installed")
    unit = units(result.stdout, tmp_path)["mysite-web.service"]
    environment = dict(v.split("=", 1) for v in unit["Environment"])
    assert environment["DJANGO_SETTINGS_MODULE"] == "mysite.settings_alt"
    env = {**example_env(), **environment}
    cwd = unit["WorkingDirectory"][0]
    with launch(unit["argv"], tmp_path, cwd=cwd, env=env) as server:
        status, body = wait_for_http(f"http://{HOST}:{port}/", server.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["label"] == "alternative"
        server.signal(signal.SIGTERM)  # KillMode=mixed: the main process only
        assert server.wait() == 0
        assert not server.alive()


# -- compose ----------------------------------------------------------------------


def compose_services(text: str) -> dict[str, dict[str, object]]:
    """The services of a compose file that compose accepts: ``docker compose
    config`` where it is installed, else the compose specification's schema."""
    document = yaml_documents(text)[0]
    assert compose_file_is_valid(text), text
    services: dict[str, dict[str, object]] = document["services"]
    return services


def compose_file_is_valid(text: str) -> bool:
    if compose_installed():
        result = subprocess.run(
            ["docker", "compose", "-f", "-", "config", "--quiet"],
            input=text, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return True
    import jsonschema
    from check_jsonschema.builtin_schemas import get_builtin_schema

    schema = get_builtin_schema("vendor.compose-spec")
    jsonschema.validate(yaml_documents(text)[0], schema)
    return True


def compose_installed() -> bool:
    if shutil.which("docker") is None:
        return False
    found = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, timeout=30, check=False
    )
    return found.returncode == 0


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_compose_file_has_a_service_per_process() -> None:
    services = compose_services(exported("--export", "compose"))
    assert list(services) == ["web", "api_v2"]
    for name, service in services.items():
        command = service["command"]
        assert isinstance(command, list)  # exec form: no shell in between
        assert command[:3] == ["prodserver", name, "--settings=mysite.settings"]
        assert service["stop_signal"] == "SIGTERM"
        # Gunicorn's own graceful-timeout (30 s) and the margin (5 s).
        assert service["stop_grace_period"] == "35s"
        assert service["restart"] == "unless-stopped"


def test_compose_export_of_a_deployment() -> None:
    result = manage(
        "prodserver", "--export=compose", DEPLOY, "--env-file=.env.production",
        "--dockerfile=docker/Dockerfile", "--build-context=..", "--stop-timeout=45",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    services = compose_services(result.stdout)
    assert list(services) == ["release", "web", "worker", "beat", "tasks"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["release"]  # one build; every service runs its image
    assert services["release"]["build"] == {
        "context": "..",
        "dockerfile": "docker/Dockerfile",
    }
    assert len({service["image"] for service in services.values()}) == 1
    release = services.pop("release")
    assert release["restart"] == "no"
    assert "healthcheck" not in release
    for name, service in services.items():
        assert service["env_file"] == [".env.production"]
        assert service["depends_on"] == {
            "release": {"condition": "service_completed_successfully"}
        }
        assert service["stop_grace_period"] == "45s"
        assert service["stop_signal"] == "SIGTERM"
        assert service["restart"] == "unless-stopped"
        assert ("ports" in service) == (name == "web")
        # The probe: the same start, then --probe and the arguments after --.
        probe = [*service["command"], "--probe"]
        probe.insert(probe.index("--stop-timeout=45") + 1, probe.pop())
        assert service["healthcheck"]["test"] == ["CMD", *probe]
    assert services["web"]["ports"] == ["8000:8000"]
    assert services["beat"]["deploy"] == {"replicas": 1}


REPLICATED = {
    "web": {"BACKEND": GUNICORN, "ARGS": {"bind": "0.0.0.0:8000"}, "REPLICAS": 3},
    "beat": {
        "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
        "APP": "mysite.celery.app",
    },
}


@override_settings(PRODUCTION_PROCESSES=REPLICATED)
def test_compose_writes_replicas_and_warns_of_a_shared_port() -> None:
    text = exported("--export", "compose")
    services = compose_services(text)
    assert services["web"]["deploy"] == {"replicas": 3}
    assert services["beat"]["deploy"] == {"replicas": 1}
    assert "# web runs 3 replicas and publishes port 8000" in text


def test_stack_export_of_a_deployment() -> None:
    """For a swarm: no build, no release service nor depends_on, and each
    service's replicas and rolling update."""
    result = manage("prodserver", "--export=stack", DEPLOY, "--image=shop:7")
    assert result.returncode == 0, result.stderr
    document = yaml_documents(result.stdout)[0]
    assert document["version"] == "3.8"
    services = compose_services(result.stdout)
    assert list(services) == ["web", "worker", "beat", "tasks"]
    assert "run the release step release once" in result.stdout
    for name, service in services.items():
        assert service["image"] == "shop:7"
        assert not {"build", "depends_on", "restart"} & set(service)
        assert service["deploy"]["replicas"] == 1
        order = "stop-first" if name == "beat" else "start-first"
        assert service["deploy"]["update_config"]["order"] == order
        assert service["deploy"]["restart_policy"] == {"condition": "any"}
    assert services["web"]["healthcheck"]["interval"] == "10s"
    assert services["web"]["ports"] == ["8000:8000"]


def test_compose_image_option_replaces_the_build() -> None:
    result = manage(
        "prodserver", "--export=compose", DEPLOY, "--image=registry.example.com/shop:7"
    )
    assert result.returncode == 0, result.stderr
    services = compose_services(result.stdout)
    assert {s["image"] for s in services.values()} == {"registry.example.com/shop:7"}
    assert not any("build" in service for service in services.values())


@override_settings(
    PRODUCTION_PROCESSES={"web": {"BACKEND": WAITRESS, "ARGS": {"port": 8080}}}
)
def test_compose_stop_signal_is_the_programs_own() -> None:
    services = compose_services(exported("--export", "compose"))
    assert services["web"]["stop_signal"] == "SIGINT"  # waitress's graceful stop


def test_compose_command_runs_in_the_project_directory() -> None:
    result = manage("prodserver", "--export=compose", "--stop-timeout=30")
    assert result.returncode == 0, result.stderr
    service = compose_services(result.stdout)["web"]
    assert service["stop_grace_period"] == "30s"
    command = service["command"]
    assert isinstance(command, list)
    assert command[:2] == ["prodserver", "web"]  # found on PATH in the image
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


# -- supervisord ------------------------------------------------------------------


def test_supervisord_export_of_a_deployment(tmp_path: Path) -> None:
    result = manage("prodserver", "--export=supervisord", DEPLOY)
    assert result.returncode == 0, result.stderr
    programs = supervisord_programs(result.stdout, tmp_path)
    assert sorted(programs) == [
        f"mysite-{name}" for name in ("beat", "release", "tasks", "web", "worker")
    ]
    for name, config in programs.items():
        argv = supervisord_argv(config)
        assert argv[:4] == [
            console_script(), name[7:], "--settings=mysite.settings_deploy",
            f"--pythonpath={EXAMPLE_DIR}",
        ]  # fmt: skip
        assert config.directory == str(EXAMPLE_DIR)
        assert config.environment["DJANGO_SETTINGS_MODULE"] == "mysite.settings_deploy"
        # The main PID only (a pool's children stop with their parent); the
        # whole group is killed once the stop budget has run out.
        assert config.stopsignal == signal.SIGTERM
        # Each process's own stop budget; a day for one without a limit.
        assert config.stopwaitsecs == OWN_BUDGETS[name[7:]]
        assert config.stopasgroup is False
        assert config.killasgroup is True
        assert config.autostart is (name != "mysite-release")


@override_settings(
    PRODUCTION_PROCESSES={"web": {"BACKEND": WAITRESS, "ARGS": {"port": 8080}}}
)
def test_supervisord_stops_waitress_with_its_own_signal(tmp_path: Path) -> None:
    text = exported("--export", "supervisord", "--stop-timeout", "2.5")
    config = supervisord_programs(text, tmp_path)["mysite-web"]
    assert config.stopsignal == signal.SIGINT
    assert config.stopwaitsecs == 3  # whole seconds, rounded up


@pytest.mark.parametrize("word", ["a ;b", "x #y", "%(here)s", "%(ENV_HOME)s", "'\""])
@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_supervisord_words_read_back_exactly(word: str, tmp_path: Path) -> None:
    text = exported("--export", "supervisord", "web", extra_args=[word])
    config = supervisord_programs(text, tmp_path)["mysite-web"]
    assert supervisord_argv(config)[-2:] == ["--", word]


# -- options, errors and quoting -----------------------------------------------


def test_options_that_change_how_a_process_runs_are_repeated() -> None:
    commands = procfile(
        exported(
            "--export",
            "procfile",
            "--spawn",
            "--stop-timeout=2.5",
            settings="mysite.settings",
            extra_args=["--workers=3"],
        )
    )
    assert commands["web"][:1] + commands["web"][4:] == [
        "prodserver",
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


def test_without_the_script_the_command_is_python_m_django_prodserver(
    other_dir: Path,
) -> None:
    deploy = Deployment(
        processes=(Process("web"),),
        project="mysite",
        settings="mysite.settings_alt",
        python=sys.executable,
        manage_py=None,
        project_root=str(EXAMPLE_DIR),
        cwd=str(other_dir),
    )
    argv = deploy.command("web", sys.executable, relative=False)
    assert argv[1:4] == ["-m", "django_prodserver", "web"]
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
        ("a\rb", '"a\\x0db"'),
        ("\x85", '"\\u0085"'),
    ],
)
def test_systemd_words_are_quoted_and_escaped(word: str, quoted: str) -> None:
    assert systemd_word(word) == quoted


def test_environment_words_keep_dollar_signs() -> None:
    assert systemd_word("A=$x", expands_variables=False) == '"A=$x"'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (10.0, "10"),
        (2.5, "2.5"),
        (0.125, "0.125"),
        (90, "90"),
        (2.0001, "2.0001"),
        (1e-7, "0.000001"),  # rounded up: never a shorter budget
    ],
)
def test_seconds_are_written_as_plain_numbers(value: float, text: str) -> None:
    assert seconds(value) == text


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_the_processs_own_stop_budget_unless_stop_timeout_overrides() -> None:
    from django.conf import settings

    from django_prodserver.config.environment import LaunchContext
    from django_prodserver.export.deployment import ExportOptions
    from django_prodserver.export.processes import exported_process
    from django_prodserver.launch.resolver import resolve
    from django_prodserver.validation.entries import check_entries

    context = LaunchContext.current()
    processes = settings.PRODUCTION_PROCESSES
    [entry] = check_entries(processes, ["web"], context).entries
    assert entry.backend is not None
    plans = resolve(entry.backend, context)
    own = [plan.replace(stop_timeout=35.0) for plan in plans]
    none = ExportOptions()
    assert exported_process(entry.backend, own, none, []).stop_budget == 35
    given = ExportOptions(stop_timeout=20.0)
    assert exported_process(entry.backend, own, given, []).stop_budget == 20
    assert exported_process(entry.backend, plans, none, []).stop_budget == 35
    unbounded = [plan.replace(stop_timeout=None) for plan in plans]
    assert exported_process(entry.backend, unbounded, none, []).stop_budget is None


@needs_systemd
@override_settings(PRODUCTION_PROCESSES=BUDGETS)
def test_each_process_gets_its_own_stop_budget(tmp_path: Path) -> None:
    text = exported("--export", "systemd")
    units(text, tmp_path)  # systemd loads every unit without a complaint
    spans = re.findall(
        r"^SyslogIdentifier=mysite-(\S+)$|^TimeoutStopSec=(\S+)$", text, re.M
    )
    stop = dict(
        zip([n for n, _ in spans if n], [t for _, t in spans if t], strict=True)
    )
    # uvicorn waits for its requests without a bound: so does systemd.
    assert stop == {"web": "35s", "api": "infinity", "worker": "305s", "quick": "2.5s"}
    services = compose_services(exported("--export", "compose"))
    grace = {name: service["stop_grace_period"] for name, service in services.items()}
    assert grace == {"web": "35s", "api": "24h", "worker": "305s", "quick": "2.5s"}
    for service in services.values():
        assert "--stop-timeout" not in " ".join(service["command"])  # type: ignore[arg-type]


@override_settings(PRODUCTION_PROCESSES=BUDGETS)
def test_stop_timeout_option_is_every_process_budget() -> None:
    services = compose_services(exported("--export", "compose", "--stop-timeout=40"))
    for service in services.values():
        assert service["stop_grace_period"] == "40s"
        assert "--stop-timeout=40" in service["command"]  # type: ignore[operator]


@override_settings(PRODUCTION_PROCESSES=TWO_PROCESSES)
def test_each_command_repeats_only_its_own_arguments() -> None:
    commands = procfile(
        exported("--export", "procfile", extra_args=["api_v2:--workers=3"])
    )
    assert commands["web"][:2] == ["prodserver", "web"]
    assert commands["web"][-1].startswith("--pythonpath=")
    assert commands["api_v2"][:2] == ["prodserver", "api_v2"]
    assert commands["api_v2"][-2:] == ["--", "--workers=3"]


def probe_of(
    console_script: str | None, cwd: str, relative: bool, custom: bool = False
) -> list[str]:
    """The probe command of a web process, and (checked here) the process's
    own command: the same start."""
    deploy = Deployment(
        processes=(Process("web", web=True),),
        project="mysite",
        settings="mysite.settings",
        python="/venv/bin/python",
        manage_py="/srv/app/manage.py",
        project_root="/srv/app",
        cwd=cwd,
        console_script=console_script,
        custom_manage_py=custom,
    )
    probe = deploy.probe_command("web", "python", relative)
    assert deploy.command("web", "python", relative) == probe[:-1]
    return probe


@pytest.mark.parametrize(
    ("script", "relative", "start"),
    [
        # Found where the export runs: on PATH in an image, else its own path
        # (and the project given, as the working directory may be another).
        ("/venv/bin/prodserver", True, ["prodserver", "web"]),
        (
            "/venv/bin/prodserver",
            False,
            ["/venv/bin/prodserver", "web", "--pythonpath=/srv/app"],
        ),
        (None, True, ["python", "-m", "django_prodserver", "web"]),
    ],
)
def test_commands_and_probes_run_the_console_script_where_it_is_installed(
    script: str | None, relative: bool, start: list[str]
) -> None:
    probe = probe_of(script, "/srv/app", relative)
    at = start.index("web") + 1
    expected = [*start[:at], "--settings=mysite.settings", *start[at:], "--probe"]
    assert probe == expected


@pytest.mark.parametrize(
    ("relative", "manage_py"), [(True, "manage.py"), (False, "/srv/app/manage.py")]
)
def test_a_manage_py_that_does_more_starts_every_command(
    relative: bool, manage_py: str
) -> None:
    """Its settings may need what it does: it runs, and names the settings."""
    probe = probe_of("/venv/bin/prodserver", "/srv/app", relative, custom=True)
    assert probe == ["python", manage_py, "prodserver", "web", "--probe"]


def test_a_probe_finds_the_project_outside_the_working_directory() -> None:
    assert probe_of("/venv/bin/prodserver", "/srv", True) == [
        "prodserver", "web", "--settings=mysite.settings", "--pythonpath=app",
        "--probe",
    ]  # fmt: skip
