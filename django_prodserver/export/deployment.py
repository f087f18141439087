"""What every exported file needs to know: how to start prodserver for each
process, and what a process manager must know about each process."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Context, Decimal

from ..backends.base import DEFAULT_STOP_TIMEOUT
from ..backends.probes import DEFAULT_PATH, Probe
from ..backends.programs import find_script, python
from ..config.environment import find_manage_py, project_roots, settings_module
from ..config.stopping import STOP_BUDGET_RULE, is_stop_budget
from ..exceptions import ConfigurationError
from ..text import MAX_SECONDS
from .manage_py import does_more as manage_py_does_more

#: The longest stop budget an export writes: a year. Process managers read
#: their time spans into fixed-size numbers; a larger value is a mistake.
MAX_STOP_BUDGET = float(MAX_SECONDS)
#: The console script that ``pip install django-prodserver`` puts on ``PATH``.
CONSOLE_SCRIPT = "prodserver"
#: The writable directory of a container whose root filesystem is read-only.
SCRATCH_DIR = "/tmp"  # noqa: S108 (inside the container)
#: Stop budgets are written to the microsecond, rounded up (never shorter).
MICROSECOND = Decimal("0.000001")
#: Enough digits for any float written to the microsecond.
EXACT = Context(prec=400)


@dataclass(frozen=True)
class Process:
    """One exported process: what its process manager needs besides its
    command.

    ``stop_budget`` is how long a stop may take before what is left is killed,
    in seconds (None: no limit); ``stop_signal`` the signal that stops it
    gracefully. ``extra_args`` are its own arguments after ``--``.
    ``oneshot`` processes run once, to completion, before the others (release
    steps); ``single_instance`` ones must never run twice at once (Celery
    beat). ``ports`` are the TCP ports a web server listens on, and
    ``loopback_only`` says that it listens on the loopback only (unreachable
    from outside its container). ``probe`` tells how to check its health (None:
    no check). ``services`` are the system services of this machine that it
    waits for (``postgresql.service``), for systemd's ordering.
    ``port_variable`` is the ``PORT`` a container gives a web server that sets
    no address of its own, so that it listens on every interface. ``replicas``
    is how many copies of it run (its entry's ``REPLICAS``); ``resources`` its
    entry's ``RESOURCES`` (None: the defaults of its kind).
    ``writable_args`` are the arguments after ``--`` that make it write its
    files in :data:`SCRATCH_DIR` in a container whose root is read-only.
    """

    name: str
    stop_budget: float | None = DEFAULT_STOP_TIMEOUT
    stop_signal: str = "SIGTERM"
    extra_args: tuple[str, ...] = ()
    oneshot: bool = False
    single_instance: bool = False
    web: bool = False
    ports: tuple[int, ...] = ()
    loopback_only: bool = False
    probe: Probe | None = None
    services: tuple[str, ...] = ()
    port_variable: int | None = None
    replicas: int = 1
    resources: Mapping[str, Mapping[str, str]] | None = None
    writable_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportOptions:
    """What the export command was given. Every exported command repeats
    ``settings_option``, ``pythonpath``, ``spawn`` and ``stop_timeout`` (and
    each process's own arguments after ``--``). The others are the export's
    own options: the image (or the Dockerfile and build context) of the
    containers, an environment file, the prefix of unit and object names, the
    path that web probes ask for, and Helm hook annotations."""

    stop_timeout: float | None = None
    settings_option: str | None = None
    pythonpath: str | None = None
    spawn: bool = False
    image: str | None = None
    dockerfile: str | None = None
    build_context: str | None = None
    env_file: str | None = None
    name_prefix: str | None = None
    probe_path: str = DEFAULT_PATH
    #: The release Jobs as Helm hooks (Kubernetes).
    helm_hooks: bool = False


@dataclass(frozen=True, kw_only=True)
class Deployment(ExportOptions):
    """What every exported file needs to know about how to start prodserver:
    the options of the export command, and what it found of the project.

    Paths (``manage_py``, ``cwd``, ``pythonpath``, ``project_root``) are
    absolute.
    """

    processes: tuple[Process, ...]
    project: str
    settings: str
    python: str
    manage_py: str | None
    project_root: str
    cwd: str
    #: The ``prodserver`` console script where the export runs (None: none).
    console_script: str | None = None
    #: Whether ``manage.py`` does more than Django's own (see :mod:`.manage_py`):
    #: then the processes start with it.
    custom_manage_py: bool = False
    by_name: Mapping[str, Process] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {process.name: process for process in self.processes}
        object.__setattr__(self, "by_name", by_name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(process.name for process in self.processes)

    @property
    def oneshot(self) -> tuple[str, ...]:
        """The processes that run once, before the others (release steps)."""
        return tuple(p.name for p in self.processes if p.oneshot)

    @property
    def long_running(self) -> tuple[str, ...]:
        """The processes that run until they are stopped."""
        return tuple(p.name for p in self.processes if not p.oneshot)

    @property
    def prefix(self) -> str:
        """The prefix of unit, program and object names: ``--name-prefix``, or
        the project's name and a dash."""
        return f"{self.project}-" if self.name_prefix is None else self.name_prefix

    @property
    def working_directory(self) -> str:
        """The project root: the directory of ``manage.py`` (else the root the
        settings are imported from), wherever the export runs."""
        if self.manage_py:
            return normal_path(os.path.dirname(self.manage_py))
        return normal_path(self.project_root)

    def path(self, path: str, relative: bool) -> str:
        return os.path.relpath(path, self.cwd) if relative else path

    def command(self, name: str, python: str, relative: bool, *more: str) -> list[str]:
        """argv of ``prodserver NAME …`` for one process (or, with ``more``
        names, for several); see :meth:`command_start`.

        ``relative`` writes paths relative to ``cwd`` (a Procfile or an image
        runs from the project directory); otherwise they are absolute.
        """
        start = self.command_start(name, python, relative, *more)
        return [*start, *self.arguments_after(name, *more)]

    def probe_command(self, name: str, python: str, relative: bool) -> list[str]:
        """argv of ``prodserver NAME --probe …``: the same start, options and
        arguments after ``--`` as the process's own command, so that the probe
        asks where the process listens."""
        probe = ["--probe"]
        web = name in self.by_name and self.by_name[name].web
        if web and self.probe_path != DEFAULT_PATH:
            probe.append(f"--probe-path={self.probe_path}")
        start = self.command_start(name, python, relative)
        return [*start, *probe, *self.arguments_after(name)]

    def command_start(
        self, name: str, python: str, relative: bool, *more: str
    ) -> list[str]:
        """``prodserver NAME`` and the options every command repeats.

        It is the ``prodserver`` console script, which starts without
        ``django.setup()``, where the export found it installed (``prodserver``
        on ``PATH`` in an image, else its path), and ``python -m
        django_prodserver`` otherwise; both are given the settings and, unless
        it is the working directory, the project root. A project whose
        ``manage.py`` does more than Django's own starts with ``python
        manage.py prodserver``, which does it.
        """
        if self.manage_py is not None and self.custom_manage_py:
            manage_py = self.path(self.manage_py, relative)
            prefix = [python, manage_py, "prodserver", name, *more]
            settings, pythonpath = self.settings_option, self.pythonpath
        else:
            if self.console_script:
                script = CONSOLE_SCRIPT if relative else self.console_script
                prefix = [script, name, *more]
            else:
                prefix = [python, "-m", "django_prodserver", name, *more]
            root = self.working_directory
            here = self.path(root, relative) == "."
            pythonpath = self.pythonpath or (None if here else root)
            settings = self.settings_option or self.settings
        options = self.options(settings, pythonpath, relative)
        return [*prefix, *options, *self.one_copy(name, *more)]

    def options(
        self, settings: str | None, pythonpath: str | None, relative: bool
    ) -> list[str]:
        """The options every command of the export repeats."""
        options = [f"--settings={settings}"] if settings else []
        if pythonpath:
            options.append(f"--pythonpath={self.path(pythonpath, relative)}")
        if self.spawn:
            options.append("--spawn")
        if self.stop_timeout is not None:
            options.append(f"--stop-timeout={seconds(self.stop_timeout)}")
        return options

    def one_copy(self, *names: str) -> list[str]:
        """``--scale NAME=1`` for each process of several copies: the process
        manager or the platform runs the copies, and each command is one."""
        found = (self.by_name.get(name) for name in names)
        return [
            f"--scale={p.name}=1" for p in found if p is not None and p.replicas > 1
        ]

    def arguments_after(self, name: str, *more: str) -> list[str]:
        """The arguments after ``--`` of process ``name`` (with ``more`` names,
        of each, written ``NAME:ARGUMENT`` as the command takes them then)."""
        if more:
            extra = [
                f"{n}:{arg}" for n in (name, *more) for arg in self.extra_args_of(n)
            ]
        else:
            extra = list(self.extra_args_of(name))
        return ["--", *extra] if extra else []

    def extra_args_of(self, name: str) -> tuple[str, ...]:
        process = self.by_name.get(name)
        return process.extra_args if process else ()


def normal_path(path: str) -> str:
    """An absolute path without ``.``, ``..``, ``//`` or a final ``/``, as
    systemd reads it."""
    return "/" + os.path.normpath(path).lstrip("/") if path.startswith("/") else path


def stop_timeout_of(value: float | None) -> float | None:
    """``--stop-timeout`` if given: a stop budget (see ``is_stop_budget``), which
    every process manager can hold."""
    if value is None:
        return None
    timeout = float(str(value))
    if not is_stop_budget(timeout):
        raise ConfigurationError(
            f"--stop-timeout must be {STOP_BUDGET_RULE}, not {value!r}"
        )
    return timeout


def deployment(processes: Sequence[Process], given: ExportOptions) -> Deployment:
    """Describe the deployment of ``processes`` as this command invocation runs
    them."""
    pythonpath = given.pythonpath
    roots = project_roots([pythonpath] if pythonpath else [])
    module = settings_module()
    checked = replace(
        given,
        stop_timeout=stop_timeout_of(given.stop_timeout),
        pythonpath=os.path.abspath(pythonpath) if pythonpath else None,
    )
    manage_py = find_manage_py(roots)
    return Deployment(
        processes=tuple(processes),
        project=module.split(".", 1)[0] or "django",
        settings=module,
        python=python(),
        manage_py=manage_py,
        project_root=roots[0] if roots else os.getcwd(),
        cwd=os.getcwd(),
        console_script=find_script(CONSOLE_SCRIPT),
        custom_manage_py=manage_py is not None and manage_py_does_more(manage_py),
        **vars(checked),
    )


def seconds(value: float) -> str:
    """A number of seconds as plain decimal digits, rounded up to the
    microsecond: ``10.0`` → ``10``, ``2.0001`` → ``2.0001``, ``1e-07`` →
    ``0.000001``. systemd, compose and prodserver itself all read it."""
    exact = Decimal(repr(float(value))).quantize(
        MICROSECOND, rounding=ROUND_CEILING, context=EXACT
    )
    text = format(exact, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def whole_seconds(value: float) -> int:
    """A budget in whole seconds, rounded up (Kubernetes and supervisord take
    integers): never shorter than the process's own budget."""
    return math.ceil(Decimal(seconds(value)))
