"""Checks of what an entry does before its program: ``BEFORE``, ``WAIT_FOR``
and ``WAIT_TIMEOUT`` (prodserver.E016 to E020, E032).

Loaded only for entries that have one of these keys. Like the other checks,
these functions return messages and never raise, whatever the keys hold; what
they parse on the way becomes the entry's :class:`ProcessConfig` fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import check_ids
from ..config.messages import error
from ..exceptions import ConfigurationError
from ..text import MAX_SECONDS, brief, did_you_mean, is_seconds
from .steps import LAUNCHERS, PYTHON, shown, split_step

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

    from ..backends.base import ProcessBackend

BEFORE_HINT = (
    'Write management command lines: "BEFORE": ["migrate --noinput", '
    '"collectstatic --noinput"] (a step may also be a list of words).'
)
WAIT_FOR_HINT = 'Write a list: "WAIT_FOR": ["database", "broker"].'
WAIT_TIMEOUT_HINT = (
    'Write a number of seconds, "WAIT_TIMEOUT": 60, or None to wait without a limit.'
)


def check_lifecycle(
    label: str, entry: Mapping[Any, Any], deep: bool = True
) -> tuple[dict[str, Any], list[CheckMessage]]:
    """The ``ProcessConfig`` fields of the lifecycle keys that are well formed,
    and the messages about them. ``deep`` also looks up each step's command."""
    fields: dict[str, Any] = {}
    messages: list[CheckMessage] = []
    if "BEFORE" in entry:
        steps, problems = check_before(label, entry["BEFORE"])
        if deep and not problems:
            problems = check_commands(label, steps)
        fields["before"], messages = steps, messages + problems
    if "WAIT_FOR" in entry:
        targets, problems = check_wait_for(label, entry["WAIT_FOR"])
        fields["wait_for"], messages = targets, messages + problems
    if "WAIT_TIMEOUT" in entry:
        timeout, problems = check_wait_timeout(label, entry["WAIT_TIMEOUT"])
        messages += problems
        if not problems:
            fields["wait_timeout"] = timeout
    return fields, messages


def check_before(
    label: str, before: object
) -> tuple[tuple[tuple[str, ...], ...], list[CheckMessage]]:
    """prodserver.E016: ``BEFORE`` is not a list of command lines."""
    if not isinstance(before, (list, tuple)):
        problem = f"{label}['BEFORE'] must be a list of management command lines, "
        return (), [
            error(check_ids.BAD_BEFORE, problem + f"not {brief(before)}", BEFORE_HINT)
        ]
    steps: list[tuple[str, ...]] = []
    messages: list[CheckMessage] = []
    for index, step in enumerate(before):
        if starts_prodserver(step):
            messages.append(
                error(
                    check_ids.NESTED_LAUNCH,
                    f"{label}['BEFORE'][{index}] {brief(step)} starts prodserver "
                    "from inside its own launch",
                    "Give the process its own entry, or run it with --all; a "
                    "BEFORE step is a management command that ends, such as "
                    '"migrate --noinput".',
                )
            )
            continue
        try:
            steps.append(split_step(step))
        except ValueError as exc:
            messages.append(
                error(
                    check_ids.BAD_BEFORE,
                    f"{label}['BEFORE'][{index}] {brief(step)} {exc}",
                    BEFORE_HINT,
                )
            )
    return tuple(steps), messages


#: The management commands that start prodserver (3.0's names too).
LAUNCH_COMMANDS = frozenset({"prodserver", "server", "worker", "devserver"})


def starts_prodserver(step: object) -> bool:
    """Whether a step runs prodserver, however it is spelt: ``prodserver web``,
    ``manage.py prodserver web``, ``python -m django_prodserver web``."""
    import os
    import shlex

    if isinstance(step, str):
        try:
            words = shlex.split(step)
        except ValueError:
            return False
    elif isinstance(step, (list, tuple)):
        words = [word for word in step if isinstance(word, str)]
    else:
        return False
    names = [os.path.basename(word) for word in words[:4]]
    if "-m" in names[:2] and "django_prodserver" in names:
        return True
    while names and (names[0] in LAUNCHERS or PYTHON.fullmatch(names[0])):
        names = names[1:]
    return bool(names) and names[0] in LAUNCH_COMMANDS


def check_commands(
    label: str, steps: tuple[tuple[str, ...], ...]
) -> list[CheckMessage]:
    """prodserver.E017: a step whose command does not exist (found without
    running it: Django lists every app's commands)."""
    from django.core.management import get_commands

    commands = get_commands()
    return [
        error(
            check_ids.UNKNOWN_COMMAND,
            f"{label}['BEFORE'] runs {words[0]!r}, which is not a management "
            "command of this project",
            did_you_mean(
                words[0],
                commands,
                "`manage.py help` lists the commands; the app that defines it "
                "may be missing from INSTALLED_APPS.",
            ),
        )
        for words in steps
        if words[0] not in commands
    ]


def check_wait_for(
    label: str, wait_for: object
) -> tuple[tuple[str, ...], list[CheckMessage]]:
    """prodserver.E018: ``WAIT_FOR`` is not a list of strings."""
    if not isinstance(wait_for, (list, tuple)):
        return (), [
            error(
                check_ids.BAD_WAIT_FOR,
                f"{label}['WAIT_FOR'] must be a list, not {brief(wait_for)}",
                WAIT_FOR_HINT,
            )
        ]
    bad = [item for item in wait_for if not (isinstance(item, str) and item)]
    if bad:
        return (), [
            error(
                check_ids.BAD_WAIT_FOR,
                f"{label}['WAIT_FOR'] has {brief(bad[0])}; each item must be a "
                "non-empty string",
                WAIT_FOR_HINT,
            )
        ]
    return tuple(wait_for), []


def check_wait_timeout(
    label: str, timeout: object
) -> tuple[float | None, list[CheckMessage]]:
    """prodserver.E020: ``WAIT_TIMEOUT`` is not a number of seconds above 0."""
    if timeout is None:
        return None, []
    if is_seconds(timeout):
        return float(timeout), []  # type: ignore[arg-type]
    return None, [
        error(
            check_ids.BAD_WAIT_TIMEOUT,
            f"{label}['WAIT_TIMEOUT'] must be a number of seconds above 0 and up "
            f"to a year ({MAX_SECONDS}), not {brief(timeout)}",
            WAIT_TIMEOUT_HINT,
        )
    ]


def check_wait_targets(backend: ProcessBackend) -> list[CheckMessage]:
    """prodserver.E019: a ``WAIT_FOR`` target that names nothing to wait for
    (an unknown word or alias, a URL prodserver cannot knock on, a backend
    without a broker)."""
    from .targets import TargetError, endpoints

    config = backend.config
    messages: list[CheckMessage] = []
    for target in config.wait_for:
        try:
            endpoints(target, backend)
        except TargetError as exc:
            messages.append(
                error(
                    check_ids.UNKNOWN_WAIT_TARGET,
                    f"{config.label}['WAIT_FOR']: {exc.message}",
                    exc.hint,
                )
            )
        except ConfigurationError as exc:
            messages.append(error(exc.check_id, exc.message, exc.hint))
    return messages + check_own_migrations(backend)


#: The commands that apply migrations.
MIGRATE = frozenset({"migrate", "prodserver_migrate"})


def check_own_migrations(backend: ProcessBackend) -> list[CheckMessage]:
    """prodserver.E032: ``WAIT_FOR`` "migrations" on an entry whose ``BEFORE``
    migrates: its steps run after the wait, which would never end."""
    config = backend.config
    waits = [t for t in config.wait_for if t.partition(":")[0] == "migrations"]
    migrates = [words for words in config.before if words[0] in MIGRATE]
    if not (waits and migrates):
        return []
    return [
        error(
            check_ids.WAITS_FOR_ITS_OWN_MIGRATIONS,
            f"{config.label}['WAIT_FOR'] waits for {waits[0]!r}, which its own "
            f"BEFORE step {shown(migrates[0])!r} applies after the wait",
            'Drop "migrations" from WAIT_FOR (the step migrates under a lock), '
            "or move the step to a release entry that the others wait for.",
        )
    ]
