"""The platform guides' files, read as their platforms read them.

Each file a guide shows (under a ``:caption:`` naming it) is parsed by its own
format's parser (YAML, TOML, JSON); every command it gives a platform to run is
a prodserver command, and that command's ``--dry-run`` succeeds on the guide's
own ``PRODUCTION_PROCESSES``.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from tests.processes import example_env, manage
from tests.test_docs import ASSIGNS_SETTING, FENCE, ROOT, write_settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest brings tomli to Pythons without tomllib
    import tomli as tomllib

DOCS = ROOT / "docs"
#: Each guide, and the files it must show.
GUIDES = {
    "deployment/render.md": {"render.yaml"},
    "deployment/fly.md": {"fly.toml"},
    "deployment/railway.md": {"railway.json", "railway.worker.toml"},
    "uv.md": {"pyproject.toml"},
}
CAPTION = re.compile(r"\A:caption: (?P<name>\S+)\n\n?")
PARSERS: dict[str, Callable[[str], Any]] = {
    ".yaml": yaml.safe_load,
    ".toml": tomllib.loads,
    ".json": json.loads,
}
#: What may come before ``prodserver`` in a command a platform runs.
LAUNCHERS = ([], ["python", "manage.py"], ["uv", "run"])


def files_of(page: str) -> dict[str, Any]:
    """The files a page shows, by name, each parsed by its format's parser."""
    found = {}
    for match in FENCE.finditer((DOCS / page).read_text()):
        caption = CAPTION.match(match["body"])
        if match["lang"].startswith("{code-block}") and caption:
            name = caption["name"]
            found[name] = PARSERS[Path(name).suffix](match["body"][caption.end() :])
    return found


def settings_of(page: str) -> str:
    """The page's ``PRODUCTION_PROCESSES`` block."""
    codes = [
        m["body"]
        for m in FENCE.finditer((DOCS / page).read_text())
        if m["lang"].strip() == "python" and ASSIGNS_SETTING.search(m["body"])
    ]
    assert len(codes) == 1, page
    return codes[0]


def render_commands(data: dict[str, Any]) -> list[str]:
    services = data["services"]
    assert {s["type"] for s in services} >= {"web", "worker"}
    return [
        command
        for service in services
        for command in (service.get("startCommand"), service.get("preDeployCommand"))
        if command
    ]


def fly_commands(data: dict[str, Any]) -> list[str]:
    assert data["kill_signal"] == "SIGTERM"  # Fly's own default is SIGINT
    assert data["http_service"]["internal_port"] == int(data["env"]["PORT"])
    assert data["http_service"]["processes"] == ["web"]
    return [*data["processes"].values(), data["deploy"]["release_command"]]


def railway_commands(data: dict[str, Any]) -> list[str]:
    deploy = data["deploy"]
    assert isinstance(deploy.get("drainingSeconds"), int)  # a number, not a string
    return [deploy["startCommand"], *deploy.get("preDeployCommand", [])]


COMMANDS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "render.yaml": render_commands,
    "fly.toml": fly_commands,
    "railway.json": railway_commands,
    "railway.worker.toml": railway_commands,
}


def prodserver_names(command: str) -> list[str]:
    """The words after ``prodserver`` in a command, checking what comes before."""
    argv = shlex.split(command)
    assert "prodserver" in argv, command
    at = argv.index("prodserver")
    assert argv[:at] in LAUNCHERS, command
    return argv[at + 1 :]


def dry_runs(tmp_path: Path, code: str, names: list[str]) -> None:
    module = write_settings(tmp_path, code)
    result = manage(
        "prodserver", *names, "--dry-run",
        f"--settings={module}", f"--pythonpath={tmp_path}", env=example_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def in_a_toctree(page: str) -> bool:
    """Whether the index of the page's folder lists it."""
    index = DOCS / Path(page).parent / "index.md"
    trees = [
        m["body"] for m in FENCE.finditer(index.read_text()) if "toctree" in m["lang"]
    ]
    return any(Path(page).stem in tree.split() for tree in trees)


@pytest.mark.parametrize("page", sorted(GUIDES))
def test_each_guide_shows_the_files_its_platform_reads(page: str) -> None:
    assert set(files_of(page)) == GUIDES[page]
    assert in_a_toctree(page)


@pytest.mark.parametrize(
    ("page", "name"),
    [(page, name) for page, names in sorted(GUIDES.items()) for name in sorted(names)
     if name in COMMANDS],
)  # fmt: skip
def test_the_platform_runs_prodserver_commands_that_work(
    page: str, name: str, tmp_path: Path
) -> None:
    commands = COMMANDS[name](files_of(page)[name])
    assert commands
    code = settings_of(page)
    for index, command in enumerate(commands):
        names = prodserver_names(command)
        assert names
        assert all(re.fullmatch(r"[\w-]+", word) for word in names)
        dry_runs(tmp_path / str(index), code, names)


def test_the_uv_guide_adds_prodserver_and_runs_it() -> None:
    page = (DOCS / "uv.md").read_text()
    assert "$ uv add django-prodserver\n" in page
    pyproject = files_of("uv.md")["pyproject.toml"]
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    [prodserver] = [r for r in requirements if r.name == "django-prodserver"]
    assert prodserver.extras <= set(ours["optional-dependencies"])
    run = re.findall(r"^\$ (uv run prodserver .*)$", page, re.M)
    assert "uv run prodserver web" in run
    for command in run:
        assert prodserver_names(command)[0] == "web"
