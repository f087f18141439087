"""``BEFORE`` steps: management commands that run before the program starts.

A step is a management command line: a string, split into words as a POSIX
shell would (``"migrate --noinput"``), or a list of words. The launcher runs
each with :func:`~django.core.management.call_command`, in its own process,
where Django is already loaded: no second Python starts, and the command's
output goes where the launcher's goes.

A ``migrate`` step runs as ``prodserver_migrate`` (the same options), which
holds a lock of the database while it migrates: entries and copies that migrate
together migrate once.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence

from ..config.entry import ProcessConfig
from ..exceptions import ConfigurationError
from ..text import brief

#: First words that start a shell command line rather than name a management
#: command (``python manage.py migrate``, written out of habit).
LAUNCHERS = frozenset({"manage.py", "django-admin", "django-admin.py"})
PYTHON = re.compile(r"python[0-9.]*")
#: Commands that run as another: ``migrate`` under the migration lock.
RUN_AS = {"migrate": "prodserver_migrate"}


def split_step(step: object) -> tuple[str, ...]:
    """The words of one step; ``ValueError`` says what is wrong with it."""
    if isinstance(step, str):
        try:
            words = shlex.split(step)
        except ValueError as exc:  # an unclosed quotation
            raise ValueError(f"cannot be split into words ({exc})") from exc
    elif isinstance(step, (list, tuple)) and all(isinstance(w, str) for w in step):
        words = list(step)
    else:
        raise ValueError("is neither a command line string nor a list of words")
    if not words or not words[0]:
        raise ValueError("has no command")
    if any("\0" in word for word in words):
        raise ValueError("contains a NUL character")
    first = os.path.basename(words[0])
    if first in LAUNCHERS or PYTHON.fullmatch(first):
        raise ValueError("is a shell command; write the management command alone")
    if first.startswith("-"):
        raise ValueError("starts with an option; the command's name goes first")
    return tuple(words)


def runs(words: Sequence[str]) -> tuple[str, ...]:
    """The command line that runs for a step: ``migrate --noinput`` runs as
    ``prodserver_migrate --noinput``."""
    return (RUN_AS.get(words[0], words[0]), *words[1:])


def describe(words: Sequence[str]) -> str:
    """How a step is shown, as it runs: ``manage.py prodserver_migrate
    --noinput`` for ``migrate --noinput`` (secrets masked)."""
    return f"manage.py {shown(runs(words))}"


def shown(words: Sequence[str]) -> str:
    """A step's words as one line that may be printed (secrets masked)."""
    from ..redaction import redact_argv

    return shlex.join(redact_argv(words))


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type (but for CommandError) and message."""
    from django.core.management import CommandError

    text = " ".join(str(exc).split()) or "(no message)"
    return text if isinstance(exc, CommandError) else f"{type(exc).__name__}: {text}"


def failure_of(words: Sequence[str]) -> tuple[str, BaseException] | None:
    """Run one step; what went wrong, or None."""
    from django.core.management import call_command

    command, *args = runs(words)
    try:
        call_command(command, *args)
    except SystemExit as exc:  # a command may sys.exit()
        if exc.code in (0, None):
            return None
        return f"it exited with status {brief(exc.code)}", exc
    except Exception as exc:
        return one_line(exc), exc
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return None


def run_steps(config: ProcessConfig, say: Callable[[str], None]) -> None:
    """Run the entry's ``BEFORE`` steps in order; the first that fails raises a
    :class:`ConfigurationError` that names it (exit status 1)."""
    for words in config.before:
        say(f"{config.name}: {describe(words)}")
        failed = failure_of(words)
        if failed is not None:
            text, exc = failed
            raise ConfigurationError(
                f"{config.label}: BEFORE step {shown(words)!r} failed: {text}"
            ) from exc
