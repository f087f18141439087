"""What the command does with a :class:`~django_prodserver.command.request.Request`:
probe, export, list, print a dry run, or launch the selected processes."""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..backends.copies import copy_number, runs_once
from ..config.dotenv import read_env_file
from ..exceptions import ConfigurationError
from ..launch.banner import write_banner
from ..launch.plan import Plan
from ..launch.printer import LineFormat
from .output import Console
from .request import Request
from .selection import Selection, select
from .starting import listeners, plans_to_start
from .usage import refuse_conflicts


def run(request: Request, console: Console) -> None:
    """Do what ``request`` asks for. Raises :class:`ConfigurationError`."""
    refuse_conflicts(request.given, request.names, request.extra_args)
    # An export names the file for the platform to read: only a run reads it.
    env_file = {}
    if request.env_file and not request.export:
        env_file = read_env_file(request.env_file)
    selection = select(request, console)
    # What prints is imported only to print: a launch, which a platform waits
    # for, does without it.
    if request.probe:
        probe(request, selection, console, env_file)
    elif request.export:
        from .exporting import print_export

        print_export(request, selection, console)
    elif request.list_processes:
        from .printing import print_list

        print_list(selection, console)
    elif request.dry_run:
        from .printing import print_dry_run

        selected = selection.in_launch_order()
        print_dry_run(selected, request.output_format, console, list(env_file))
    else:
        launch(selection, request, console, env_file)


def probe(
    request: Request,
    selection: Selection,
    console: Console,
    env_file: Mapping[str, str],
) -> None:
    """Check the one selected process: write why it is healthy, or raise
    why it is not (exit status 1). A probe that runs a command runs it in the
    environment the process got: ``env_file`` (``--env-file``), then its plan's."""
    if len(selection.names) != 1:
        raise ConfigurationError("--probe checks one process: name it", returncode=2)
    name = selection.names[0]
    backend, plans = selection.entries[name].backend, selection.entries[name].plans
    from ..backends.failures import backend_probe

    extra_args = selection.extra_args[str(name)]
    index = None if runs_once(backend) else copy_number(selection.context.environ)
    if index is not None:  # an exported copy: ask it where it listens
        extra_args = backend.copy_args(extra_args, index)
    found = backend_probe(backend, extra_args, request.probe_path)
    if found is None:
        console.write(
            f"{name}: {type(backend).__name__} has no health check; "
            "a running process is all there is to check"
        )
        return
    from ..backends.probes import check

    env = plans[0].env if plans else {}
    healthy, reason = check(found, {**env_file, **env})
    if not healthy:
        raise ConfigurationError(f"{name} is not healthy: {reason}")
    console.write(f"{name} is healthy: {reason}")


def launch(
    selection: Selection,
    request: Request,
    console: Console,
    env_file: Mapping[str, str],
) -> None:
    """Run what comes first (release entries, waits, steps), then exec the one
    program or the supervisor of several. Returns only by raising, or when
    there is no program to start (release entries only).

    The supervisor runs even one program when it is the first process of its
    PID namespace (a container without an init) and the program does not reap
    orphans: process 1 adopts every orphan of the container and must reap it,
    which most programs never do (gunicorn and uWSGI do, and replace prodserver
    there as anywhere else).

    ``env_file``: the variables of ``--env-file``, on top of the launcher's
    environment for every program (an entry's ``ENV`` still comes first).
    """
    if os.name != "posix":
        raise ConfigurationError("prodserver runs programs on POSIX systems only")
    environ = selection.context.environ
    line_format = request.line_format(environ)  # a bad variable: before anything
    from ..launch.ports import refuse_taken_ports

    refuse_taken_ports(listeners(selection))
    # The one-shot programs start from os.environ (BEFORE steps run here, on
    # settings read before the file: only what reads os.environ later sees it).
    os.environ.update(env_file)
    selected = selection.in_launch_order()
    if any(each.prepared for each in selected):
        from ..launch.lifecycle import run_before_programs

        note = console.note or console.warn
        run_before_programs([(each.backend, each.plans) for each in selected], note)
    plans = plans_to_start(selection)
    if not plans:
        return
    start(plans, request, {**environ, **env_file}, line_format)


def start(
    plans: list[Plan],
    request: Request,
    environ: Mapping[str, str],
    line_format: LineFormat,
) -> None:
    """Exec the one program, or the supervisor of several (see :func:`launch`),
    whose lines are printed as ``line_format`` says."""
    from ..launch import executor

    exec_one = (
        len(plans) == 1
        and plans[0].can_exec
        and not request.spawn
        and (os.getpid() != 1 or plans[0].reaps_orphans)
    )
    what = plans[0].argv[0] if exec_one else "the supervisor"
    try:
        if exec_one:
            if not request.quiet:
                write_banner(plans[0], os.getpid())  # the program keeps our pid
            executor.exec_plan(plans[0], environ)
        else:
            executor.exec_supervisor(
                plans,
                request.stop_timeout,
                environ,
                request.colour,
                line_format,
                request.quiet,
            )
    except OSError as exc:
        raise ConfigurationError(f"cannot start {what}: {exc}") from exc
