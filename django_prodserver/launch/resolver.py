"""Resolve checked entries into plans: the argv, environment and signals of each
program to start.

The checks have built each entry's backend; the resolver asks it for its
command lines and its environment, makes sure they are what a program can be
started with, and raises :class:`ConfigurationError` (``prodserver.E012``)
when the backend's own code fails.
"""

from __future__ import annotations

import math
import re
import signal
from collections.abc import Iterable, Mapping, Sequence

from .. import check_ids
from ..backends.base import ProcessBackend
from ..backends.copies import COPY_VARIABLE, copy_number, runs_once
from ..backends.failures import backend_errors
from ..config.entry import ProcessConfig
from ..config.environment import LaunchContext
from ..exceptions import ConfigurationError
from ..text import brief
from .plan import Plan

#: A variable name the shell line can assign, as the checks require of ``ENV``.
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def checked_commands(config: ProcessConfig, commands: object) -> list[list[str]]:
    """The backend's argvs, after making sure they are lists of strings."""
    if (
        isinstance(commands, list)
        and commands
        and all(
            isinstance(argv, (list, tuple))
            and argv
            and all(isinstance(word, str) and "\0" not in word for word in argv)
            and argv[0]
            for argv in commands
        )
    ):
        return [list(argv) for argv in commands]
    raise ConfigurationError(
        f"{config.label}: BACKEND {config.backend!r} built {brief(commands)}, "
        "not a command line",
        "build_argv() must return a non-empty list of strings, the program first.",
        check_ids.BACKEND_FAILED,
    )


def checked_environment(config: ProcessConfig, env: object) -> dict[str, str]:
    if isinstance(env, Mapping) and all(
        isinstance(k, str)
        and VARIABLE_NAME.fullmatch(k)
        and isinstance(v, str)
        and "\0" not in v
        for k, v in env.items()
    ):
        return dict(env)
    raise ConfigurationError(
        f"{config.label}: BACKEND {config.backend!r} set the environment {brief(env)}",
        "environment() must return a dict of variable names to strings.",
        check_ids.BACKEND_FAILED,
    )


def checked_stop_timeout(
    config: ProcessConfig, backend: ProcessBackend, argv: list[str]
) -> float | None:
    """The program's stop budget, after making sure it is seconds or None."""
    budget = backend.stop_timeout(argv)
    if budget is None or (
        isinstance(budget, (int, float))
        and not isinstance(budget, bool)
        and 0 <= budget < math.inf
    ):
        return None if budget is None else float(budget)
    raise ConfigurationError(
        f"{config.label}: BACKEND {config.backend!r} gave the stop timeout "
        f"{brief(budget)}",
        "default_stop_timeout() must return a number of seconds or None.",
        check_ids.BACKEND_FAILED,
    )


def checked_signals(config: ProcessConfig, backend: ProcessBackend) -> None:
    """The backend's signal names must be signals of this system."""
    names = [backend.stop_signal, *backend.accepted_signals]
    unknown = [
        name
        for name in names
        if not (
            isinstance(name, str)
            and isinstance(getattr(signal, name, None), signal.Signals)
        )
    ]
    if unknown:
        raise ConfigurationError(
            f"{config.label}: BACKEND {config.backend!r} names the signal "
            f"{brief(unknown[0])}, which this system does not have",
            "stop_signal and accepted_signals take names such as 'SIGTERM'.",
            check_ids.BACKEND_FAILED,
        )


def resolve(
    backend: ProcessBackend, context: LaunchContext, extra_args: Sequence[str] = ()
) -> list[Plan]:
    """The plans of one checked entry: usually one; several for worker pools,
    and for each copy of an entry that runs several (``REPLICAS``,
    ``--scale``), named ``web.1``, ``web.2``, … With :data:`COPY_VARIABLE`
    set, only that copy (an exported copy: a systemd instance, a supervisord
    process).

    Raises :class:`ConfigurationError` (with a check id) for anything that stops
    the entry from becoming a command, the backend's own failures included.
    """
    config = backend.config
    # A process that runs once is never a copy, whatever the environment says.
    chosen = None if runs_once(backend) else copy_number(context.environ)
    if chosen is None and config.replicas == 1:
        return resolve_copy(backend, context, list(extra_args), None)
    copies = [chosen] if chosen else range(1, config.replicas + 1)
    plans = [
        plan
        for index in copies
        for plan in resolve_copy(backend, context, list(extra_args), index)
    ]
    if len(plans) > 1:
        plans = [plan.replace(can_exec=False) for plan in plans]
    return plans


def resolve_copy(
    backend: ProcessBackend,
    context: LaunchContext,
    extra_args: list[str],
    index: int | None,
) -> list[Plan]:
    """The plans of one copy of the entry (``index`` None: of the only one)."""
    config = backend.config
    with backend_errors(config, "building the command"):
        own_args = extra_args if index is None else backend.copy_args(extra_args, index)
        built = backend.commands(own_args)
        if backend.oneshot and built == []:
            return []  # a release entry without a program: its steps are its work
        commands = checked_commands(config, built)
        own = checked_environment(config, backend.environment())
        checked_signals(config, backend)
        budgets = [checked_stop_timeout(config, backend, argv) for argv in commands]
    env = {**context.variables, **own, **config.env}
    name = config.name if index is None else f"{config.name}.{index}"
    if index is not None:
        env[COPY_VARIABLE] = str(index)
    several = len(commands) > 1
    names = numbered(name, len(commands)) if several else [name]
    return [
        Plan(
            name=name,
            backend=config.backend,
            argv=tuple(argv),
            env=env,
            cwd=context.cwd,
            stop_signal=backend.stop_signal,
            accepted_signals=backend.accepted_signals,
            # Restarting takes a supervisor: a program that replaced the
            # launcher has nobody to start it again.
            can_exec=backend.can_exec and not several and config.restart == "no",
            stop_timeout=budget,
            restart=config.restart,
            reaps_orphans=backend.reaps_orphans,
        )
        for name, argv, budget in zip(names, commands, budgets, strict=True)
    ]


def numbered(name: str, count: int) -> Iterable[str]:
    return (f"{name}.{i}" for i in range(1, count + 1))
