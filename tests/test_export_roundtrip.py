"""Property tests: every export, and the dry-run shell line, either reads back
through its real parser as exactly the configuration, or is refused with a
check id; never a file that means something else.

The values come from hostile strategies: every Unicode line break and control
character (U+0085, ``\\x7f``, ``\\x90``…), quotes, ``$``, ``%``, ``;`` and
``#``, undecodable bytes (lone surrogates), in process names, settings values,
paths and arguments after ``--``. The parsers are the real ones: honcho and
``sh`` (Procfile, shell line), ``systemd-analyze`` (units and time spans),
supervisord's configuration reader, PyYAML and ruamel.yaml (compose,
Kubernetes, with their own ``$`` expansion), and the compose and Kubernetes
schemas.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from django_prodserver import check_ids
from django_prodserver.backends.probes import CommandProbe, HttpProbe
from django_prodserver.exceptions import ConfigurationError
from django_prodserver.export import FORMATS, render
from django_prodserver.export.deployment import Deployment, Process, normal_path
from django_prodserver.export.values import LINE_BREAKS
from django_prodserver.launch.plan import Plan
from django_prodserver.text import brief
from django_prodserver.validation.entries import check_name
from tests.exports import (
    SYSTEMD_ANALYZE,
    compose_expanded,
    kubernetes_expanded,
    procfile_commands,
    sh_words,
    supervisord_argv,
    supervisord_programs,
    systemd_expanded,
    systemd_timespan,
    systemd_verify,
    unit_files,
    validate_kubernetes,
    yaml_documents,
)
from tests.profiles import examples, is_full

#: Examples per format: enough to meet every kind of character many times.
EXAMPLES = examples(300)
#: Examples per format from settings and the command line (slower: each runs
#: the command's checks).
CLI_EXAMPLES = examples(100)
ROUND_TRIP = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
#: Characters that parsers read specially, and line breaks of every kind.
HOSTILE = (
    "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\x00\x01\x1b\x7f\x90\x9f\ufeff\ud800\udcff"
    " \t\"'\\$%;#`&|<>(){}[]*?~!=:,@-/."
)
PIECES = ("%(here)s", "%(ENV_HOME)s", "$$", "${X}", "$(X)", "$X", "%n", " ;", " #")
texts = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(HOSTILE),
        st.sampled_from(PIECES),
    ),
    max_size=12,
).map("".join)
#: Words that every format can hold: no line break, NUL or undecodable byte
#: (the hostile arguments have them).
words = texts.filter(lambda text: all(map(is_plain_char, text)))
plain_names = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,20}", fullmatch=True)
names = st.one_of(plain_names, texts)
#: For each field of a deployment: a usual value, and a hostile one.
FIELDS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "root": (
        st.sampled_from(["/srv/app", "/srv/my app", "/tmp/x%y", "/a;b #c", "/srv/é"]),
        texts.map(lambda text: "/srv/" + text),
    ),
    "budget": (
        st.floats(min_value=1e-6, max_value=1e6),
        st.sampled_from([1e-9, 2.0001, 1e300, math.inf, math.nan, 0.0, -1.0]),
    ),
    "settings": (
        st.from_regex(
            r"[a-z_][a-z0-9_]{0,8}(\.[a-z_][a-z0-9_]{0,8}){0,2}", fullmatch=True
        ),
        texts,
    ),
    "project": (st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True), texts),
    "prefix": (st.sampled_from([None, "shop-", "My_App-"]), texts),
    "arguments": (st.lists(words, max_size=4), st.lists(texts, min_size=1, max_size=4)),
    "option": (
        st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9_.:/-]{1,20}", fullmatch=True)),
        texts,
    ),
    "probe": (st.sampled_from(["/", "/healthz/?x=1"]), texts),
}
PYTHON = os.path.abspath(sys.executable)


def is_plain_char(ch: str) -> bool:
    return ch not in LINE_BREAKS and ch != "\0" and not "\ud800" <= ch <= "\udfff"


@st.composite
def deployments(draw: st.DrawFn) -> Deployment:
    """A deployment with a hostile value in one of its fields (or none), and
    the usual values elsewhere, so that most examples are written: each
    hostile kind is then read back, or refused, on its own."""
    hostile = draw(st.sampled_from([None, *FIELDS]))

    def value(field: str) -> Any:
        usual, bad = FIELDS[field]
        return draw(bad if field == hostile else usual)

    root = value("root")
    return Deployment(
        processes=draw(
            processes(
                lambda: value("budget"),
                lambda: value("probe"),
                lambda: tuple(value("arguments")),
            )
        ),
        project=value("project"),
        settings=value("settings"),
        python=PYTHON,
        manage_py=draw(st.one_of(st.none(), st.just(f"{root}/manage.py"))),
        project_root=root,
        cwd=root,
        # What --stop-timeout takes: any finite number of seconds above 0.
        stop_timeout=draw(st.one_of(st.none(), st.floats(1e-9, 1e300))),
        settings_option=draw(st.one_of(st.none(), st.just(value("settings")))),
        pythonpath=draw(st.one_of(st.none(), st.just(root))),
        spawn=draw(st.booleans()),
        image=value("option"),
        dockerfile=value("option"),
        build_context=value("option"),
        env_file=value("option"),
        name_prefix=value("prefix"),
        probe_path=value("probe"),
    )


@st.composite
def processes(
    draw: st.DrawFn,
    budget: Callable[[], float],
    path: Callable[[], str],
    arguments: Callable[[], tuple[str, ...]],
) -> tuple[Process, ...]:
    chosen = draw(st.lists(plain_names, min_size=1, max_size=3, unique=True))
    found = []
    for index, name in enumerate(chosen):
        web = draw(st.booleans())
        probe = (
            HttpProbe("127.0.0.1", 8000, path(), draw(st.sampled_from(["", "a.b"])))
            if web
            else draw(st.sampled_from([None, CommandProbe(("celery",), "ping")]))
        )
        found.append(
            Process(
                name=name,
                stop_budget=budget(),
                stop_signal=draw(st.sampled_from(["SIGTERM", "SIGINT"])),
                oneshot=index == 0 and draw(st.booleans()),
                single_instance=draw(st.booleans()),
                web=web,
                ports=(8000,) if web else (),
                probe=probe,
                services=draw(st.sampled_from([(), ("postgresql.service",)])),
                extra_args=arguments(),
            )
        )
    return tuple(found)


def rendered(export_format: str, deploy: Deployment) -> str | None:
    """The export's text, or None if prodserver refused it (with its id, on
    one line)."""
    refused: ConfigurationError | None = None
    try:
        return render(export_format, deploy)
    except ConfigurationError as exc:
        refused = exc
    assert refused.check_id == check_ids.EXPORT_REFUSED, refused
    assert "\n" not in str(refused)
    return None


#: What a format that needs a number writes for a process without a limit.
A_DAY = 86400.0


def budget_written(written: float | None, budget: float | None) -> None:
    """The budget a file gives is the process's, never shorter (but for the
    float's last digit), at most a second longer (whole seconds round up); a
    process without a limit gets none (``written`` None), or a day."""
    if budget is None:
        assert written in (None, A_DAY)
        return
    assert written is not None
    assert budget * (1 - 1e-15) <= written < budget + 1


# -- each format, read back -----------------------------------------------------


def procfile_reads_back(deploy: Deployment, text: str, directory: Path) -> None:
    commands = {name: sh_words(cmd) for name, cmd in procfile_commands(text).items()}
    expected = {
        name: deploy.command(name, "python", relative=True)
        for name in deploy.long_running
    }
    if deploy.oneshot:
        first, *more = deploy.oneshot
        expected = {"release": deploy.command(first, "python", True, *more), **expected}
    assert commands == expected


def systemd_reads_back(deploy: Deployment, text: str, directory: Path) -> None:
    dump, complaints = systemd_verify(unit_files(text, directory))
    assert not complaints
    assert list(dump) == [
        f"{deploy.prefix}{name}.service"
        for name in (*deploy.oneshot, *deploy.long_running)
    ]
    spans = re.findall(r"^TimeoutStopSec=(.*)$", text, re.MULTILINE)
    ordered = [*deploy.oneshot, *deploy.long_running]
    for (unit, loaded), name, span in zip(dump.items(), ordered, spans, strict=True):
        argv = [systemd_expanded(word) for word in loaded.argv]
        assert argv == deploy.command(name, deploy.python, relative=False), unit
        assert loaded.values["WorkingDirectory"] == [deploy.working_directory]
        if deploy.settings:
            assert f"DJANGO_SETTINGS_MODULE={deploy.settings}" in loaded.environment
        if deploy.env_file:
            path = os.path.join(deploy.working_directory, deploy.env_file)
            assert loaded.values["EnvironmentFile"] == [normal_path(path)]
        if span == "infinity":
            budget_written(None, deploy.by_name[name].stop_budget)
            continue
        microseconds = systemd_timespan(span)
        assert microseconds == int(Decimal(span.removesuffix("s")) * 10**6)
        budget_written(microseconds / 10**6, deploy.by_name[name].stop_budget)


def supervisord_reads_back(deploy: Deployment, text: str, directory: Path) -> None:
    programs = supervisord_programs(text, directory)
    assert sorted(programs) == sorted(f"{deploy.prefix}{name}" for name in deploy.names)
    for process in deploy.processes:
        config = programs[f"{deploy.prefix}{process.name}"]
        command = deploy.command(process.name, deploy.python, relative=False)
        assert supervisord_argv(config) == command
        assert config.directory == deploy.working_directory
        assert config.environment["DJANGO_SETTINGS_MODULE"] == deploy.settings
        budget_written(config.stopwaitsecs, process.stop_budget)
        assert config.stopasgroup is False
        assert config.killasgroup is True


@functools.cache
def compose_schema() -> Any:
    """The compose specification's schema (check-jsonschema's copy)."""
    import jsonschema
    from check_jsonschema.builtin_schemas import get_builtin_schema

    schema = get_builtin_schema("vendor.compose-spec")
    return jsonschema.validators.validator_for(schema)(schema)


def compose_reads_back(deploy: Deployment, text: str, directory: Path) -> None:
    document = yaml_documents(text)[0]
    compose_schema().validate(document)
    services = compose_expanded(document["services"])
    assert list(services) == [*deploy.oneshot, *deploy.long_running]
    for process in deploy.processes:
        service = services[process.name]
        assert service["command"] == deploy.command(process.name, "python", True)
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == deploy.settings
        if deploy.image:
            assert service["image"] == deploy.image
            assert "build" not in service
        else:
            assert service["image"] == f"{deploy.project}:latest"
        if deploy.env_file:
            assert service["env_file"] == [deploy.env_file]
        if "healthcheck" in service:
            probe = deploy.probe_command(process.name, "python", relative=True)
            assert service["healthcheck"]["test"] == ["CMD", *probe]
        grace = service["stop_grace_period"]
        written = A_DAY if grace == "24h" else float(grace.removesuffix("s"))
        budget_written(written, process.stop_budget)


def stack_reads_back(deploy: Deployment, text: str, directory: Path) -> None:
    """The compose services of the long-running processes, for a swarm: the
    image only, and each service's ``deploy:``."""
    document = yaml_documents(text)[0]
    compose_schema().validate(document)
    services = compose_expanded(document["services"])
    assert list(services) == list(deploy.long_running)
    for name in deploy.long_running:
        process, service = deploy.by_name[name], services[name]
        assert service["command"] == deploy.command(name, "python", True)
        assert service["image"] == deploy.image or f"{deploy.project}:latest"
        assert "build" not in service
        assert "depends_on" not in service
        assert service["deploy"]["replicas"] == process.replicas
        grace = service["stop_grace_period"]
        written = A_DAY if grace == "24h" else float(grace.removesuffix("s"))
        budget_written(written, process.stop_budget)


def kubernetes_reads_back(deploy: Deployment, text: str, directory: Path) -> None:
    objects = yaml_documents(text)
    for obj in objects:
        validate_kubernetes(obj, "1.37.0")
    (config,) = [o for o in objects if o["kind"] == "ConfigMap"]
    # A ConfigMap's values reach the variables as written: no $(VAR) expansion.
    assert config["data"]["DJANGO_SETTINGS_MODULE"] == deploy.settings
    workloads = [o for o in objects if o["kind"] in ("Deployment", "Job")]
    ordered = [deploy.by_name[name] for name in (*deploy.oneshot, *deploy.long_running)]
    for obj, process in zip(workloads, ordered, strict=True):
        pod = obj["spec"]["template"]["spec"]
        (main,) = pod["containers"]
        command = [kubernetes_expanded(word) for word in main["command"]]
        expected = deploy.command(process.name, "python", relative=True)
        if process.writable_args:  # where it writes with a read-only root
            expected += [*([] if "--" in expected else ["--"]), *process.writable_args]
        assert command == expected
        assert {"configMapRef": {"name": config["metadata"]["name"]}} in (
            main["envFrom"]
        )
        delay = 5 if "lifecycle" in main else 0  # a web server's preStop sleep
        margin = 5  # prodserver's own kill comes first
        budget_written(
            pod["terminationGracePeriodSeconds"] - delay - margin, process.stop_budget
        )
        probe = main.get("readinessProbe", {})
        if "exec" in probe:
            expected = deploy.probe_command(process.name, "python", relative=True)
            assert [
                kubernetes_expanded(w) for w in probe["exec"]["command"]
            ] == expected
        if "httpGet" in probe:
            assert isinstance(process.probe, HttpProbe)
            assert probe["httpGet"]["path"] == process.probe.path
            headers = probe["httpGet"].get("httpHeaders", [])
            host = [h["value"] for h in headers if h["name"] == "Host"]
            assert host == (
                [process.probe.host_header] if process.probe.host_header else []
            )


READERS: dict[str, Callable[[Deployment, str, Path], None]] = {
    "procfile": procfile_reads_back,
    "systemd": systemd_reads_back,
    "supervisord": supervisord_reads_back,
    "compose": compose_reads_back,
    "stack": stack_reads_back,
    "kubernetes": kubernetes_reads_back,
}


def test_every_format_has_a_reader() -> None:
    assert set(READERS) == set(FORMATS)


@pytest.fixture(autouse=True)
def _schemas_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """kubernetes-validate reads its schema files for every object: once is
    enough here (hundreds of objects)."""
    import kubernetes_validate.utils

    cached = functools.cache(kubernetes_validate.utils.schema_contents)
    monkeypatch.setattr(kubernetes_validate.utils, "schema_contents", cached)


#: Every format; systemd's only where systemd-analyze is installed (CI installs it).
EACH_FORMAT = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            name == "systemd" and SYSTEMD_ANALYZE is None,
            reason="systemd-analyze is not installed",
        ),
    )
    for name in FORMATS
]


@pytest.mark.parametrize("export_format", EACH_FORMAT)
def test_an_export_reads_back_exactly_or_is_refused(export_format: str) -> None:
    read_back = READERS[export_format]

    @ROUND_TRIP
    @given(deployments())
    def check(deploy: Deployment) -> None:
        text = rendered(export_format, deploy)
        event("refused" if text is None else "read back")
        if text is None:
            return
        with tempfile.TemporaryDirectory() as directory:
            read_back(deploy, text, Path(directory))
        read.append(deploy)

    read: list[Deployment] = []
    check()
    # Most examples are written and read back, not refused: a third at least
    # (on the smoke profile's few examples, one at least).
    assert len(read) >= (EXAMPLES // 3 if is_full() else 1)


# -- from the settings and the command line ---------------------------------------

GUNICORN = "django_prodserver.backends.gunicorn.GunicornServer"
CELERY_WORKER = "django_prodserver.backends.celery.CeleryWorker"


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    """Settings with hostile process names, ARGS and ENV values, allowed
    hosts; and hostile arguments after ``--``."""
    entries: dict[str, Any] = {}
    # The arguments after -- go to the first process (named, with several).
    first = draw(plain_names)
    others = draw(st.lists(names, max_size=2, unique=True))
    for name in dict.fromkeys([first, *others]):
        backend = draw(st.sampled_from([GUNICORN, CELERY_WORKER]))
        entry: dict[str, Any] = {
            "BACKEND": backend,
            "ARGS": {
                "bind": f"0.0.0.0:{draw(st.integers(1, 65535))}",
                "x": draw(texts),
            },
            "ENV": {"MY_VALUE": draw(texts.filter(lambda t: "\0" not in t))},
        }
        if backend == CELERY_WORKER:
            entry["APP"] = "mysite.celery.app"
            del entry["ARGS"]["bind"]
        entries[name] = entry
    return {
        "processes": entries,
        "allowed_hosts": draw(st.lists(texts, max_size=2)),
        "extra": [
            f"{first}:{argument}" if len(entries) > 1 else argument
            for argument in draw(
                st.lists(texts.filter(lambda t: "\0" not in t), max_size=3)
            )
        ],
        "prefix": draw(
            st.one_of(st.just("shop-"), texts.filter(lambda t: "\0" not in t))
        ),
    }


@pytest.mark.parametrize("export_format", EACH_FORMAT)
def test_settings_and_arguments_read_back_or_are_refused(export_format: str) -> None:
    read_back = READERS[export_format]

    @settings(ROUND_TRIP, max_examples=CLI_EXAMPLES)
    @given(configurations())
    def check(config: dict[str, Any]) -> None:
        with override_settings(
            PRODUCTION_PROCESSES=config["processes"],
            ALLOWED_HOSTS=config["allowed_hosts"],
        ):
            text, deploy = export_with_deployment(export_format, config)
        event("refused" if deploy is None else "read back")
        if deploy is None:
            return
        lines = text.split("\n")
        left_out = [
            line for line in lines if line.startswith("# ") and " is left out: " in line
        ]
        assert lines[: len(left_out)] == left_out  # first, each on its one line
        for name in config["processes"]:
            assert (name in deploy.names) != any(
                line.startswith(f"# {brief(name)} is left out: ") for line in left_out
            )
        assert all(not check_name(name) for name in deploy.names)
        with tempfile.TemporaryDirectory() as directory:
            read_back(deploy, "\n".join(lines[len(left_out) :]), Path(directory))
        read.append(deploy)

    read: list[Deployment] = []
    check()
    assert len(read) >= (CLI_EXAMPLES // 10 if is_full() else 1)


def export_with_deployment(
    export_format: str, config: dict[str, Any]
) -> tuple[str, Deployment | None]:
    """The command's export and the deployment it rendered; None if the
    command refused it with a check id (or had nothing to export)."""
    from django_prodserver.export import deployment as module

    seen: list[Deployment] = []
    original = module.deployment

    def recording(*args: Any, **kwargs: Any) -> Deployment:
        seen.append(original(*args, **kwargs))
        return seen[-1]

    out = StringIO()
    refused: CommandError | None = None
    module.deployment = recording
    try:
        call_command(
            "prodserver",
            "--export",
            export_format,
            f"--name-prefix={config['prefix']}",
            stdout=out,
            stderr=StringIO(),
            extra_args=config["extra"],
        )
    except CommandError as exc:
        refused = exc
    finally:
        module.deployment = original
    if refused is not None:
        assert re.match(r"prodserver\.E02[57]: [^\n]*$", str(refused)), refused
        return "", None
    return out.getvalue(), seen[0] if seen else None


# -- the dry-run shell line -------------------------------------------------------

#: A program that prints what it got: its arguments and its environment.
#: A program that prints its arguments and environment, each ended by a NUL:
#: the count of the arguments, the arguments, then ``NAME=value`` pairs (``sh``
#: rather than Python: the test runs it hundreds of times).
ECHO = ["/bin/sh", "-c", 'printf "%s\\0" "$#" "$@"; env -0', "echo"]


def echoed(output: bytes) -> tuple[list[str], dict[str, str]]:
    """The arguments and environment that ``ECHO`` printed."""
    fields = [os.fsdecode(field) for field in output.split(b"\0")[:-1]]
    count = int(fields[0])
    words, variables = fields[1 : 1 + count], fields[1 + count :]
    return words, dict(variable.split("=", 1) for variable in variables)


variable_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda name: name not in {"PWD", "OLDPWD", "SHLVL", "_", "IFS", "PS4"}
)


#: What a word of a real command line is: no NUL, and undecodable bytes only
#: as Python reads them (surrogates U+DC80 to U+DCFF).
argv_texts = texts.map(
    lambda text: "".join(
        "\udcff"
        if "\ud800" <= ch <= "\udfff" and not "\udc80" <= ch <= "\udcff"
        else ch
        for ch in text.replace("\0", "")
    )
)


@ROUND_TRIP
@given(
    st.lists(argv_texts, max_size=5),
    st.dictionaries(variable_names, argv_texts, max_size=3),
)
def test_dry_run_shell_line_runs_exactly_the_plan(
    words: list[str], env: dict[str, str]
) -> None:
    plan = Plan("web", "echo", [*ECHO, *words], env, os.getcwd())
    line = plan.shell_line()
    result = subprocess.run(
        ["sh", "-c", line], capture_output=True, timeout=30, check=True
    )
    argv, variables = echoed(result.stdout)
    assert argv == words
    for key, value in env.items():
        assert variables[key] == value


@settings(ROUND_TRIP, max_examples=CLI_EXAMPLES)
@given(
    st.dictionaries(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), texts),
    st.dictionaries(variable_names, texts, max_size=3),
    st.lists(argv_texts, max_size=3),
)
def test_dry_run_of_the_settings_runs_exactly_what_json_shows(
    args: dict[str, str], env: dict[str, str], extra: list[str]
) -> None:
    """``--dry-run``'s shell line, run by ``sh``, starts the argv and the
    environment that ``--format=json`` shows, or the command refuses."""
    entry = {"BACKEND": "mysite.backends.ArgvEcho", "ARGS": args, "ENV": env}
    outputs = []
    refused: CommandError | None = None
    with override_settings(PRODUCTION_PROCESSES={"echo": entry}):
        for output_format in ("shell", "json"):
            out = StringIO()
            try:
                call_command(
                    "prodserver", "--dry-run", f"--format={output_format}",
                    stdout=out, stderr=StringIO(), extra_args=extra,
                )  # fmt: skip
            except CommandError as exc:
                refused = exc
                break
            outputs.append(out.getvalue())
    if refused is not None:  # one line per error, each with its id
        lines = str(refused).split("\n")
        assert all(re.match(r"prodserver\.E\d{3}: ", line) for line in lines)
        return
    # One command for sh, though a quoted word may hold a line break.
    line, shown = outputs[0].removesuffix("\n"), json.loads(outputs[1])
    result = subprocess.run(
        ["sh", "-c", line], capture_output=True, timeout=30, check=True
    )
    argv, variables = ast.literal_eval(result.stdout.decode("ascii"))
    assert argv == shown["argv"][3:]  # after python -c CODE
    for key, value in shown["env"].items():
        assert variables[key] == value
