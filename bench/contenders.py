"""The commands the benchmark compares, built once per run.

For each web server there are four contenders, started with the same options:

``ours``
    ``python manage.py prodserver NAME`` (exec mode) with a generated settings
    module whose ``PRODUCTION_PROCESSES`` names the server.
``script``
    ``prodserver NAME``, the console script, with the same settings, from the
    project's directory (as a Dockerfile's ``WORKDIR``): no ``django.setup()``.
``bare``
    The program itself, with exactly the argv, environment and working directory
    that ``prodserver NAME --dry-run --format=json`` prints.
``published``
    ``python manage.py server NAME`` of django-prodserver 3.0.0 in its own
    virtualenv, its ``ARGS`` being the options of our argv (it turns each into
    ``--key=value``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django_prodserver.backends import programs
from tests.processes import EXAMPLE_DIR, HOST, MANAGE_PY, example_env, free_port

from . import workspace

OURS_SETTINGS = "bench_ours"
#: The example project's settings, which the generated ones extend.
EXAMPLE_SETTINGS = "mysite.settings"
PUBLISHED_SETTINGS = "bench_published"
CONTENDERS = ("ours", "script", "bare", "published")
#: What the console script cannot do without: the settings and prodserver's own
#: code, imported, nothing run (a lower bound, for the report).
SETTINGS_ONLY = (
    "import os; from django_prodserver.config.project_settings import settings; "
    "settings.read_module(os.environ['DJANGO_SETTINGS_MODULE']); "
    "settings.PRODUCTION_PROCESSES; "
    "import django_prodserver.command.console, django_prodserver.backends.gunicorn"
)
WORKERS = 2


@dataclass(frozen=True)
class Server:
    """A web server of the benchmark: its backend, base ARGS and test URLs."""

    name: str
    backend: str
    slow_path: str
    #: Options the published package cannot pass to this server.
    published_limits: str = ""

    def args(self, port: int) -> dict[str, object]:
        """ARGS of our entry. Two workers, so that every server has a master
        process (uvicorn runs one only for more than one worker)."""
        if self.name == "gunicorn":
            return {"bind": f"{HOST}:{port}", "workers": WORKERS}
        return {"host": HOST, "port": port, "workers": WORKERS}


SERVERS = (
    Server(
        "gunicorn",
        "django_prodserver.backends.gunicorn.GunicornServer",
        "/slow/?seconds=1",
    ),
    Server(
        "uvicorn",
        "django_prodserver.backends.uvicorn.UvicornServer",
        "/async/slow/?seconds=1",
    ),
    Server(
        "granian",
        "django_prodserver.backends.granian.GranianASGIServer",
        "/async/slow/?seconds=1",
        published_limits=(
            "3.0.0 runs granian's Python API with interface `asgi` and passes only "
            "the options it maps (address, port, workers, blocking threads…)"
        ),
    ),
)


@dataclass(frozen=True)
class Command:
    """One thing to start: argv, the whole environment, the working directory."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    cwd: str

    def run(self, *python_options: str) -> subprocess.CompletedProcess[str]:
        """Run to completion, output captured; ``python_options`` go right after
        the interpreter (``-X importtime``)."""
        return subprocess.run(
            (self.argv[0], *python_options, *self.argv[1:]),
            env=dict(self.env),
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


@dataclass
class Setup:
    """Everything a run compares, with what could not be prepared and why."""

    ports: dict[str, int]
    #: The Python that ``ours``, ``script`` and ``bare`` run with.
    python: str
    floor: Command
    dry_run: Command
    script_dry_run: Command
    settings_only: Command
    launches: dict[str, dict[str, Command]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    versions: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, server: str, path: str = "/") -> str:
        return f"http://{HOST}:{self.ports[server]}{path}"

    def command(self, server: str, contender: str) -> Command | None:
        return self.launches.get(server, {}).get(contender)

    def why_missing(self, server: str, contender: str) -> str:
        return self.unavailable.get(
            f"{server}/{contender}", self.unavailable.get(contender, "not available")
        )


def base_env() -> dict[str, str]:
    """The environment every contender starts from.

    Without ``PYTHONDONTWRITEBYTECODE``: a deployed project has its bytecode
    cached, so the warm-up run writes it and the timed runs read it.
    """
    env = example_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ours_env(settings: str = OURS_SETTINGS) -> dict[str, str]:
    return {
        **base_env(),
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": os.pathsep.join([str(workspace.SITE), str(EXAMPLE_DIR)]),
    }


def manage_command(python: str, *args: str, settings: str = OURS_SETTINGS) -> Command:
    return Command(
        (python, str(MANAGE_PY), *args), ours_env(settings), str(EXAMPLE_DIR)
    )


def prodserver(python: str, *args: str) -> Command:
    """``python manage.py prodserver ARGS`` with our settings."""
    return manage_command(python, "prodserver", *args)


def script(python: str, *args: str) -> Command:
    """``prodserver ARGS``, the console script next to ``python``, with our
    settings, from the example project's directory."""
    path = os.path.join(os.path.dirname(python), "prodserver")
    return Command((path, *args), ours_env(), str(EXAMPLE_DIR))


def dry_run_plan(
    python: str, name: str, settings: str = OURS_SETTINGS
) -> dict[str, object]:
    """Our plan for ``name``, from ``--dry-run --format=json``."""
    args = ("prodserver", name, "--dry-run", "--format=json")
    done = manage_command(python, *args, settings=settings).run()
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        raise ValueError(lines[-1])
    plan: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return plan


def bare_command(plan: Mapping[str, object]) -> Command:
    """The program with exactly the argv, env changes and cwd of our plan."""
    argv, env, cwd = plan["argv"], plan["env"], plan["cwd"]
    assert isinstance(argv, list)
    assert isinstance(env, dict)
    assert isinstance(cwd, str)
    return Command(tuple(argv), {**base_env(), **env}, cwd)


def published_args(argv: Sequence[str]) -> dict[str, str | None]:
    """ARGS that make the published package pass the long options of ``argv``.

    It turns ``{"key": "value"}`` into ``--key=value`` and ``{"flag": None}``
    into ``--flag``; positional arguments (the program, the app target) are its
    own business.
    """
    args: dict[str, str | None] = {}
    for token in argv[1:]:
        if token.startswith("--") and len(token) > 2:
            key, sep, value = token[2:].partition("=")
            args[key] = value if sep else None
    return args


def prepare(with_published: bool = True) -> Setup:
    """Generate the settings, install this checkout, read our plans, build the
    published package's venv."""
    versions = workspace.installed_versions(
        ["django-prodserver", *workspace.PINNED, *app_distributions()]
    )
    pins = {k: v for k, v in versions.items() if k != "django-prodserver"}
    python = ours_python(pins)
    ports = {server.name: free_port() for server in SERVERS}
    workspace.write_settings(
        OURS_SETTINGS,
        {
            s.name: {"BACKEND": s.backend, "ARGS": s.args(ports[s.name])}
            for s in SERVERS
        },
    )
    setup = Setup(
        ports=ports,
        python=python,
        # The settings floor: the same interpreter, settings, path and directory.
        floor=Command(
            (python, "-c", "import django; django.setup()"),
            ours_env(),
            str(EXAMPLE_DIR),
        ),
        dry_run=prodserver(python, "gunicorn", "--dry-run"),
        script_dry_run=script(python, "gunicorn", "--dry-run"),
        settings_only=Command(
            (python, "-c", SETTINGS_ONLY), ours_env(), str(EXAMPLE_DIR)
        ),
    )
    published_processes: dict[str, object] = {}
    for server in SERVERS:
        commands = setup.launches.setdefault(server.name, {})
        args: Mapping[str, object] = server.args(ports[server.name])
        try:
            plan = dry_run_plan(python, server.name)
        except ValueError as exc:
            for contender in ("ours", "script", "bare"):
                setup.unavailable[f"{server.name}/{contender}"] = str(exc)
        else:
            commands["ours"] = prodserver(python, server.name)
            commands["script"] = script(python, server.name)
            commands["bare"] = bare_command(plan)
            assert isinstance(plan["argv"], list)
            args = published_args(plan["argv"])
        published_processes[server.name] = {"BACKEND": server.backend, "ARGS": args}
    workspace.write_settings(PUBLISHED_SETTINGS, published_processes)
    setup.versions["ours"] = versions
    if with_published:
        add_published(setup, pins)
    else:
        setup.unavailable["published"] = "skipped (--no-published)"
    return setup


#: Prints the distributions that provide the project's INSTALLED_APPS.
#: A distribution's top-level packages are read from its files as well as from
#: ``top_level.txt``, which some wheels (django-q2) lack: Python 3.10's
#: ``packages_distributions()`` reads only the latter.
APP_DISTRIBUTIONS = """
import json
from importlib import metadata
from django.conf import settings
tops = {app.split(".")[0] for app in settings.INSTALLED_APPS}
names = set()
for dist in metadata.distributions():
    listed = (dist.read_text("top_level.txt") or "").split()
    files = {f.parts[0].removesuffix(".py") for f in dist.files or () if f.parts}
    if tops & (set(listed) | files):
        names.add(dist.metadata["Name"])
print(json.dumps(sorted(names)))
"""


def app_distributions() -> list[str]:
    """The distributions of the example project's apps (django-q2, django-tasks…):
    both virtualenvs need them to load the same project.

    Read from the example project's own settings, which the generated ones
    extend: those are not written yet on a fresh checkout.
    """
    command = Command(
        (sys.executable, "-c", APP_DISTRIBUTIONS),
        ours_env(EXAMPLE_SETTINGS),
        str(EXAMPLE_DIR),
    )
    done = command.run()
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise workspace.SetupError(f"cannot list the example project's apps: {last}")
    names: list[str] = json.loads(done.stdout)
    pinned = {programs.normalized(name) for name in workspace.PINNED}
    return [
        name
        for name in names
        if programs.normalized(name) not in pinned | {"django-prodserver"}
    ]


def ours_python(pins: Mapping[str, str]) -> str:
    """The Python of this checkout installed as a release (see
    ``workspace.installed_python``); the running one if it cannot be made."""
    try:
        return str(workspace.installed_python(pins))
    except workspace.SetupError as exc:
        print(f"bench: measuring the development install instead: {exc}", flush=True)
        return sys.executable


def add_published(setup: Setup, pins: Mapping[str, str]) -> None:
    try:
        python = workspace.published_python(pins)
    except workspace.SetupError as exc:
        setup.unavailable["published"] = str(exc)
        return
    setup.versions["published"] = workspace.versions_in(
        python, list(setup.versions["ours"])
    )
    for server in SERVERS:
        setup.launches[server.name]["published"] = manage_command(
            str(python), "server", server.name, settings=PUBLISHED_SETTINGS
        )
