"""``manage.py check --deploy``: entries that run, but not as production should."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_prodserver import check_ids
from django_prodserver.validation.deploy import in_container

from .processes import case_settings_env, manage

BACKENDS = "django_prodserver.backends"
GUNICORN = f"{BACKENDS}.gunicorn.GunicornServer"
RUNSERVER = f"{BACKENDS}.dev.django_runserver.DjangoRunserver"
#: A web server entry that binds where the test says.
LOOPBACK = 'PRODUCTION_PROCESSES = {"web": {"BACKEND": "%s", "ARGS": {"bind": "%s"}}}'
#: How the messages name the entry.
WEB = "PRODUCTION_PROCESSES['web']"


def check(tmp_path: Path, setting: str, *args: str, **env: str) -> tuple[int, str]:
    """``manage.py check ARGS`` with the example's settings then ``setting``."""
    environ = {**case_settings_env(tmp_path, setting), **env}
    result = manage("check", *args, env=environ)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("setting", "backend"),
    [
        (
            f'PRODUCTION_PROCESSES = {{"web": {{"BACKEND": "{RUNSERVER}"}}}}',
            RUNSERVER,
        ),
        (
            "INSTALLED_APPS = [*INSTALLED_APPS, 'django_extensions']\n"
            "PRODUCTION_PROCESSES = {'web': {'BACKEND': "
            f"'{BACKENDS}.dev.werkzeug.RunserverPlus'}}}}",
            f"{BACKENDS}.dev.werkzeug.RunserverPlus",
        ),
        (
            "from mysite.settings_daphne import INSTALLED_APPS, ASGI_APPLICATION\n"
            "from mysite.settings_daphne import PRODUCTION_PROCESSES",
            f"{BACKENDS}.dev.daphne.DaphneRunserver",
        ),
    ],
    ids=["runserver", "runserver_plus", "daphne"],
)
def test_development_server_warns_on_deploy_only(
    tmp_path: Path, setting: str, backend: str
) -> None:
    status, text = check(tmp_path, setting, "--deploy")
    assert status == 0, text
    assert (
        f"{check_ids.DEVELOPMENT_SERVER}) {WEB}: runs a development server ({backend})"
    ) in text
    assert check_ids.DEBUG_WITH_WEB_SERVER not in text  # DEBUG is False
    _, plain = check(tmp_path, setting)
    assert check_ids.DEVELOPMENT_SERVER not in plain


def test_production_server_passes(tmp_path: Path) -> None:
    setting = LOOPBACK % (GUNICORN, "0.0.0.0:8000")
    status, text = check(tmp_path, setting, "--deploy")
    assert status == 0, text
    assert "prodserver.W01" not in text


def test_debug_with_a_web_server(tmp_path: Path) -> None:
    setting = (
        f'DEBUG = True\nPRODUCTION_PROCESSES = {{"web": {{"BACKEND": "{GUNICORN}"}}}}'
    )
    _, text = check(tmp_path, setting, "--deploy")
    assert (
        f"{check_ids.DEBUG_WITH_WEB_SERVER}) {WEB}: a web server runs with DEBUG"
        in text
    )


def test_debug_without_a_web_server_is_not_ours_to_warn(tmp_path: Path) -> None:
    worker = f"{BACKENDS}.django_tasks.DjangoTasksWorker"
    setting = (
        f'DEBUG = True\nPRODUCTION_PROCESSES = {{"tasks": {{"BACKEND": "{worker}"}}}}'
    )
    _, text = check(tmp_path, setting, "--deploy")
    assert check_ids.DEBUG_WITH_WEB_SERVER not in text


LOOPBACK = 'PRODUCTION_PROCESSES = {"web": {"BACKEND": "%s", "ARGS": {"bind": "%s"}}}'


@pytest.mark.parametrize(
    ("bind", "warned"),
    [("127.0.0.1:8000", True), ("[::1]:8000", True), ("0.0.0.0:8000", False)],
)
def test_loopback_in_a_container(tmp_path: Path, bind: str, warned: bool) -> None:
    """Kubernetes sets KUBERNETES_SERVICE_HOST in every container it starts."""
    setting = LOOPBACK % (GUNICORN, bind)
    _, text = check(tmp_path, setting, "--deploy", KUBERNETES_SERVICE_HOST="10.0.0.1")
    assert (
        f"{check_ids.LOOPBACK_ONLY}) {WEB}: listens on the loopback" in text
    ) is warned


@pytest.mark.skipif(in_container({}), reason="this machine is a container")
def test_loopback_outside_a_container_is_fine(tmp_path: Path) -> None:
    """A server behind a proxy on the same machine listens on the loopback."""
    environ = {"KUBERNETES_SERVICE_HOST": ""}
    _, text = check(
        tmp_path, LOOPBACK % (GUNICORN, "127.0.0.1:8000"), "--deploy", **environ
    )
    assert check_ids.LOOPBACK_ONLY not in text


@pytest.mark.parametrize(
    ("export", "warned"),
    [("compose", True), ("kubernetes", True), ("stack", True), ("procfile", False)],
)
def test_container_export_says_it_on_stderr(
    tmp_path: Path, export: str, warned: bool
) -> None:
    environ = case_settings_env(tmp_path, LOOPBACK % (GUNICORN, "127.0.0.1:8000"))
    result = manage("prodserver", f"--export={export}", "--image=shop", env=environ)
    assert result.returncode == 0, result.stderr
    found = (
        f"{check_ids.LOOPBACK_ONLY}: {WEB}: listens on the loopback" in result.stderr
    )
    assert found is warned
    assert check_ids.LOOPBACK_ONLY not in result.stdout
