"""The documentation's code samples against the code: no drift between them.

Every ```python block of ``docs/`` and ``README.md`` that assigns
``PRODUCTION_PROCESSES`` is written into a settings module on top of the example
project's settings and checked with Django's ``check`` command: in one
interpreter for all (``tests/sample_checks.py``), but with ``manage.py check`` of
its own for a sample that changes ``INSTALLED_APPS`` (the app registry is set up
once per interpreter), and for a few others, which must give the same messages
in both. Errors fail;
warnings fail too, except a missing program that the ``all`` extra does not
install (a custom backend's program, say). YAML blocks must parse.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from tests.processes import EXAMPLE_DIR, example_env, manage, run_python

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
FENCE = re.compile(
    r"^(?P<fence>`{3,})(?P<lang>[^\n`]*)\n(?P<body>.*?)^(?P=fence)$", re.M | re.S
)
ASSIGNS_SETTING = re.compile(r"^PRODUCTION_PROCESSES\s*=", re.M)
BACKEND_PATH = re.compile(r"""["']BACKEND["']\s*:\s*["']([\w.]+)["']""")
CHECK_ID = re.compile(r"\((?P<id>[\w.]+\.[CEW]\d+)\) (?P<msg>.*)")
EXTRA_NAMED = re.compile(r"django-prodserver\[([\w-]+)\]")
#: A ```{code-block}'s options (``:caption: render.yaml``) and the blank line
#: after them: not part of the code.
DIRECTIVE_OPTIONS = re.compile(r"\A(?::[\w-]+:.*\n)+\n?")


def blocks(language: str) -> list[tuple[str, str]]:
    """``(where, code)`` of every fenced block in ``language``; where = file:line."""
    found = []
    for source in SOURCES:
        text = source.read_text()
        for match in FENCE.finditer(text):
            lang = match["lang"].strip().removeprefix("{code-block}").strip()
            if lang == language:
                line = text.count("\n", 0, match.start()) + 1
                body = DIRECTIVE_OPTIONS.sub("", match["body"])
                found.append((f"{source.relative_to(ROOT)}:{line}", body))
    return found


SETTINGS_BLOCKS = [(w, c) for w, c in blocks("python") if ASSIGNS_SETTING.search(c)]


def extras_in_all() -> set[str]:
    """The extras that ``django-prodserver[all]`` pulls in."""
    requires = metadata.requires("django-prodserver") or []
    inner = [r for r in requires if "extra ==" in r and r.rstrip().endswith('"all"')]
    names: set[str] = set()
    for requirement in inner:
        match = re.search(r"django-prodserver\[([^\]]+)\]", requirement)
        if match:
            names |= {name.strip() for name in match[1].split(",")}
    return names


def missing_shipped_backends(code: str) -> list[str]:
    """Backends of this package that the sample names but that do not import."""
    missing = []
    for path in BACKEND_PATH.findall(code):
        module = path.rpartition(".")[0]
        shipped = module.startswith("django_prodserver.backends.")
        if shipped and importlib.util.find_spec(module) is None:
            missing.append(path)
    return missing


def write_settings(tmp_path: Path, code: str, name: str = "docsample") -> str:
    """A package whose ``sample`` module is the block, beside a ``settings`` module
    that is the example project's, so ``from .settings import *`` works as in the
    docs. Returns the settings module's name."""
    package = tmp_path / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text("from mysite.settings import *  # noqa\n")
    preamble = "" if "import *" in code else "from mysite.settings import *  # noqa\n"
    (package / "sample.py").write_text(preamble + code)
    # cookiecutter-django's layout, which some pages follow: config/celery_app.py
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "__init__.py").write_text("")
    (config / "celery_app.py").write_text("from mysite.celery import app\n")
    (config / "asgi.py").write_text("from mysite.asgi import application\n")
    return f"{name}.sample"


def check(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    """``manage.py check`` on settings made of ``code``."""
    module = write_settings(tmp_path, code)
    return manage(
        "check", f"--settings={module}", f"--pythonpath={tmp_path}", env=example_env()
    )


def test_the_docs_have_settings_samples() -> None:
    assert len(SETTINGS_BLOCKS) >= 10, [w for w, _ in SETTINGS_BLOCKS]


Checked = dict[str, tuple[int, str]]


def changes_apps(code: str) -> bool:
    return "INSTALLED_APPS" in code


def package_of(index: int) -> str:
    return f"docsample_{index}"


@pytest.fixture(scope="session")
def checked_samples(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    """Each settings sample's ``check`` status and output, by package name."""
    directory = tmp_path_factory.mktemp("samples")
    for index, (_, code) in enumerate(SETTINGS_BLOCKS):
        if not changes_apps(code):
            write_settings(directory, code, package_of(index))
    result = run_python(
        "-m", "tests.sample_checks", str(directory),
        cwd=ROOT, env=example_env(PYTHONPATH=str(EXAMPLE_DIR)), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    checked: Checked = json.loads(result.stdout)
    return checked


def problems_in(output: str) -> list[str]:
    """The check messages of ``output`` that fail a sample: every one but a
    missing program that the ``all`` extra does not install."""
    found = [m.groupdict() for m in CHECK_ID.finditer(output)]
    allowed_extras = extras_in_all()
    problems = [
        f"{m['id']} {m['msg']}"
        for m in found
        if not (
            m["id"] == "prodserver.W001"
            and not set(EXTRA_NAMED.findall(m["msg"])) & allowed_extras
        )
    ]
    return problems


#: The samples are checked together by one worker (one interpreter for all).
@pytest.mark.xdist_group("docs_samples")
@pytest.mark.parametrize(
    "index", range(len(SETTINGS_BLOCKS)), ids=[w for w, _ in SETTINGS_BLOCKS]
)
def test_settings_sample_passes_manage_py_check(
    index: int, checked_samples: Checked, tmp_path: Path
) -> None:
    code = SETTINGS_BLOCKS[index][1]
    missing = missing_shipped_backends(code)
    assert not missing, f"the docs name backends that do not import: {missing}"
    if changes_apps(code):
        result = check(tmp_path, code)
        status, output = result.returncode, result.stdout + result.stderr
    else:
        status, output = checked_samples[package_of(index)]
    assert "Traceback" not in output, output
    assert not problems_in(output), output
    assert status == 0, output


#: Samples of other settings than PRODUCTION_PROCESSES, checked both ways.
COMPARED = [
    i
    for i, (_, code) in enumerate(SETTINGS_BLOCKS)
    if not changes_apps(code) and re.search(r"^(?!PRODUCTION)[A-Z_]+ =", code, re.M)
][:4]


@pytest.mark.xdist_group("docs_samples")
@pytest.mark.parametrize("index", COMPARED)
def test_one_interpreter_checks_as_manage_py_check_does(
    index: int, checked_samples: Checked, tmp_path: Path
) -> None:
    result = check(tmp_path, SETTINGS_BLOCKS[index][1])
    ids = [m["id"] for m in CHECK_ID.finditer(result.stdout + result.stderr)]
    status, output = checked_samples[package_of(index)]
    assert ids == [m["id"] for m in CHECK_ID.finditer(output)]
    assert (result.returncode == 0) == (status == 0)


YAML_BLOCKS = blocks("yaml")


@pytest.mark.parametrize(
    "code", [c for _, c in YAML_BLOCKS], ids=[w for w, _ in YAML_BLOCKS]
)
def test_yaml_sample_parses(code: str) -> None:
    documents = [d for d in yaml.safe_load_all(code) if d is not None]
    assert documents
    assert all(isinstance(d, dict) for d in documents)


DAPHNE = "mysite.backends.DaphneServer"


def dry_run(tmp_path: Path, code: str, *args: str, **env: str) -> list[str]:
    """The argv of ``prodserver web --dry-run`` on settings made of ``code``."""
    module = write_settings(tmp_path, code)
    result = manage(
        *("prodserver", "web", "--dry-run", "--format=json"),
        f"--settings={module}",
        f"--pythonpath={tmp_path}",
        *args,
        env=example_env(**env),
    )
    assert result.returncode == 0, result.stderr
    argv: list[str] = json.loads(result.stdout)["argv"]
    return argv


def test_custom_backend_page_shows_what_the_backend_runs(tmp_path: Path) -> None:
    ((where, code),) = [(w, c) for w, c in SETTINGS_BLOCKS if DAPHNE in c]
    page = (ROOT / "docs" / "custom-backends.md").read_text()
    shown = re.search(r"\$ python manage.py prodserver web --dry-run\n(.*)\n", page)
    assert shown, "the page shows no dry run"
    argv = dry_run(tmp_path, code)
    documented = shown[1].split()
    program = documented.index(next(w for w in documented if w.endswith("daphne")))
    assert Path(argv[0]).name == "daphne"
    assert argv[1:] == documented[program + 1 :], where


def test_cookiecutter_example_runs_gunicorn_with_uvicorn_workers_on_asgi(
    tmp_path: Path,
) -> None:
    page = (ROOT / "docs" / "starting.md").read_text()
    ((where, code),) = [
        (w, c) for w, c in SETTINGS_BLOCKS if "config/settings/production.py" in c
    ]
    shown = re.search(r"```text\n(gunicorn .*)\n```", page)
    assert shown, "the page shows no gunicorn command"
    argv = dry_run(tmp_path, code)
    assert Path(argv[0]).name == "gunicorn"
    assert set(shown[1].split()[1:]) <= set(argv[1:]), where
    assert argv[-1] == "config.asgi:application"
    assert "--worker-class=uvicorn_worker.UvicornWorker" in argv


def test_custom_backend_example_is_short() -> None:
    source = (ROOT / "tests" / "example" / "mysite" / "backends.py").read_text()
    body = source.split("class DaphneServer(")[1].split("\n\n\nclass ")[0]
    assert len(body.strip().splitlines()) <= 15


def test_daphne_example_lists_and_binds_port(tmp_path: Path) -> None:
    code = f'PRODUCTION_PROCESSES = {{"web": {{"BACKEND": "{DAPHNE}"}}}}\n'
    argv = dry_run(tmp_path, code, PORT="5000")
    assert argv[1:] == ["--bind=0.0.0.0", "--port=5000", "mysite.asgi:application"]
    assert dry_run(tmp_path / "b", code, "--", "--port=81")[1:] == [
        "--port=81",
        "mysite.asgi:application",
    ]
    module = write_settings(tmp_path / "c", code)
    listed = manage(
        "prodserver", "--list", f"--settings={module}",
        f"--pythonpath={tmp_path / 'c'}", env=example_env(),
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].split() == ["web", DAPHNE]
    assert listed.stdout.splitlines()[1].strip().endswith("mysite.asgi:application")


@pytest.mark.parametrize(
    ("processes", "check_id"),
    [
        # its own check, with self.warning()
        (
            {
                "web": {
                    "BACKEND": "mysite.backends.CheckedDaphneServer",
                    "ARGS": {"ping-interval": 20, "ping-timeout": 10},
                }
            },
            "mysite.W001",
        ),
        # host_option/port_option feed the shared-port check
        (
            {
                "a": {"BACKEND": DAPHNE, "ARGS": {"bind": "0.0.0.0", "port": 8000}},
                "b": {"BACKEND": DAPHNE, "ARGS": {"port": 8000}},
            },
            "prodserver.W003",
        ),
        # ... and a Unix socket is no TCP address
        (
            {
                "a": {"BACKEND": DAPHNE, "ARGS": {"unix-socket": "/run/a.sock"}},
                "b": {"BACKEND": DAPHNE},
            },
            None,
        ),
        # underscore options and "did you mean"
        (
            {"web": {"BACKEND": DAPHNE, "ARGS": {"websocket-timeout": 5}}},
            None,
        ),
        (
            {"web": {"BACKEND": DAPHNE, "ARGS": {"ping-intervall": 5}}},
            "prodserver.W002",
        ),
    ],
)
def test_daphne_example_checks(
    processes: dict[str, object], check_id: str | None, tmp_path: Path
) -> None:
    result = check(tmp_path, f"PRODUCTION_PROCESSES = {processes!r}\n")
    found = CHECK_ID.findall(result.stderr)
    if check_id is None:
        assert [i for i, _ in found if i != "prodserver.W001"] == [], result.stderr
    else:
        assert f"({check_id})" in result.stderr, result.stderr


def test_underscore_option_keeps_its_spelling(tmp_path: Path) -> None:
    code = (
        f'PRODUCTION_PROCESSES = {{"web": {{"BACKEND": "{DAPHNE}", '
        '"ARGS": {"websocket-timeout": 5}}}\n'
    )
    assert "--websocket_timeout=5" in dry_run(tmp_path, code)


BACKEND_ROW = re.compile(
    r"^\| \{ref\}`(?P<name>\w+) <[\w-]+>` \| `(?P<path>[\w.]+)` \| (?P<extra>.*) \|$",
    re.M,
)


def test_the_backends_index_gives_every_backend_its_path_and_extra() -> None:
    page = (ROOT / "docs" / "backends" / "index.md").read_text()
    rows = BACKEND_ROW.findall(page.split("(backend-paths)=")[1])
    extras = metadata.metadata("django-prodserver").get_all("Provides-Extra") or []
    for name, path, extra in rows:
        module, _, attr = path.rpartition(".")
        assert attr == name
        assert getattr(importlib.import_module(module), attr).__name__ == name
        named = re.fullmatch(r"`([\w-]+)`", extra)
        assert named is None or named[1] in extras, (name, extra)
    configured = ROOT / "docs" / "configuration.md"
    in_reference = set(
        re.findall(
            r"^\| `(django_prodserver\.backends\.[\w.]+)`", configured.read_text(), re.M
        )
    )
    assert {path for _, path, _ in rows} == in_reference
