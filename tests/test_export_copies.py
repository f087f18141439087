"""The exports of a process of several copies (``REPLICAS``, ``--scale``), read
back by each format's own reader: ``systemd-analyze verify``, supervisord's
parser, honcho, compose's config check; and one exported copy run as its
process manager would start it."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from django.test import override_settings

from tests.exports import (
    SYSTEMD_ANALYZE,
    procfile_commands,
    supervisord_argv,
    supervisord_programs,
    yaml_documents,
)
from tests.processes import HOST, example_env, launch, wait_for_http, wait_until
from tests.test_export import compose_services, exported, procfile, units

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
WORKER = "django_prodserver.backends.celery.CeleryWorker"
SCALED = {
    "web": {"BACKEND": GUNICORN, "ARGS": {"bind": "0.0.0.0:8000"}, "REPLICAS": 3},
    "worker": {"BACKEND": WORKER, "APP": "mysite.celery.app"},
}
needs_systemd = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed"
)


@needs_systemd
@override_settings(PRODUCTION_PROCESSES=SCALED)
def test_systemd_a_template_unit_and_a_target_that_wants_each_copy(
    tmp_path: Path,
) -> None:
    text = exported("--export", "systemd", "--scale", "worker=2")
    loaded = units(text, tmp_path)  # systemd-analyze verify, no complaint
    for name, count in (("web", 3), ("worker", 2)):
        # verify loads a template as the instance "i"
        template = loaded[f"mysite-{name}@i.service"]
        assert "PRODSERVER_COPY=i" in " ".join(template["Environment"])
        assert template["argv"][-1] == f"--scale={name}=1"
        target = (tmp_path / f"mysite-{name}.target").read_text()
        wanted = " ".join(f"mysite-{name}@{i}.service" for i in range(1, count + 1))
        assert f"Wants={wanted}\n" in target
        assert f"mysite-{name}.target" in loaded
    assert not (tmp_path / "mysite-web.service").exists()


@needs_systemd
@pytest.mark.integration
def test_systemd_instance_2_serves_on_the_next_port(tmp_path: Path, port: int) -> None:
    web = {"BACKEND": GUNICORN, "ARGS": {"bind": f"{HOST}:{port - 1}"}}
    with override_settings(PRODUCTION_PROCESSES={"web": {**web, "REPLICAS": 2}}):
        text = exported("--export", "systemd")
    unit = units(text, tmp_path)["mysite-web@i.service"]
    environment = dict(v.split("=", 1) for v in unit["Environment"])
    # what systemd gives instance 2 (%i is 2)
    settings = tmp_path / "scaled_settings.py"
    settings.write_text(
        f"from mysite.settings import *  # noqa\nPRODUCTION_PROCESSES = {{'web': "
        f"{{**{web!r}, 'REPLICAS': 2}}}}\n"
    )
    environment.update(
        PRODSERVER_COPY="2",
        DJANGO_SETTINGS_MODULE="scaled_settings",
        PYTHONPATH=str(tmp_path),
    )
    env = {**example_env(), **environment}
    # The settings as exported, in place of those the command names.
    argv = [
        "--settings=scaled_settings" if word.startswith("--settings=") else word
        for word in unit["argv"]
    ]
    with launch(argv, tmp_path, env=env) as server:
        status, _ = wait_for_http(f"http://{HOST}:{port}/", server.proc, timeout=60)
        assert status == 200
        server.signal(signal.SIGTERM)
        assert server.wait() == 0, server.text()
        assert wait_until(lambda: not server.alive(), timeout=10)


@override_settings(PRODUCTION_PROCESSES=SCALED)
def test_supervisord_numprocs_each_process_its_copy(tmp_path: Path) -> None:
    text = exported("--export", "supervisord", "--scale", "web=2")
    programs = supervisord_programs(text, tmp_path)  # supervisord's own parser
    assert set(programs) == {"mysite-web_1", "mysite-web_2", "mysite-worker"}
    for number in (1, 2):
        config = programs[f"mysite-web_{number}"]
        assert config.environment["PRODSERVER_COPY"] == str(number)
        assert supervisord_argv(config)[-1] == "--scale=web=1"
    assert "PRODSERVER_COPY" not in programs["mysite-worker"].environment
    assert "numprocs=2" in text
    assert "process_name=%(program_name)s_%(process_num)s" in text


@override_settings(PRODUCTION_PROCESSES=SCALED)
def test_procfile_notes_how_to_scale_and_runs_one_copy_per_line() -> None:
    text = exported("--export", "procfile")
    assert procfile(text)["web"][-1] == "--scale=web=1"
    assert set(procfile_commands(text)) == {"web", "worker"}  # honcho's reading
    assert (
        "# web: 3 copies, each on its own $PORT: heroku ps:scale web=3 "
        "(honcho start -c web=3)\n"
    ) in text
    assert "# worker" not in text


@override_settings(PRODUCTION_PROCESSES=SCALED)
@pytest.mark.parametrize(
    ("scale", "web", "worker"),
    [([], 3, None), (["web=1"], None, None), (["worker=4", "web=2"], 2, 4)],
)
def test_compose_and_kubernetes_honour_scale(
    scale: list[str], web: int | None, worker: int | None
) -> None:
    options = [word for value in scale for word in ("--scale", value)]
    services = compose_services(exported("--export", "compose", *options))
    assert services["web"].get("deploy") == ({"replicas": web} if web else None)
    assert services["worker"].get("deploy") == (
        {"replicas": worker} if worker else None
    )
    documents = yaml_documents(exported("--export", "kubernetes", *options))
    replicas = {
        d["metadata"]["name"]: d["spec"]["replicas"]
        for d in documents
        if d and d.get("kind") == "Deployment"
    }
    assert replicas == {"mysite-web": web or 1, "mysite-worker": worker or 1}
