"""Run the ``prodserver`` command in the test process (``call_command``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from io import StringIO

from django.core.checks import CheckMessage
from django.core.management import call_command
from django.test import override_settings

from django_prodserver.config.environment import LaunchContext
from django_prodserver.validation.entries import check_entry


def run(*args: str, **options: object) -> tuple[str, str]:
    """``prodserver ARGS``: its stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command("prodserver", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def json_plans(*args: str, **options: object) -> list[dict[str, object]]:
    """The plans that ``prodserver ARGS --dry-run --format=json`` prints."""
    out, _ = run(*args, "--dry-run", "--format=json", **options)
    return [json.loads(line) for line in out.splitlines()]


def plans_of(
    entry: Mapping[str, object], *extra_args: str, name: str = "p"
) -> list[dict[str, object]]:
    """The dry-run plans of one entry, configured as process ``name``."""
    with override_settings(PRODUCTION_PROCESSES={name: entry}):
        return json_plans(name, extra_args=list(extra_args))


def argv_of(entry: Mapping[str, object], *extra_args: str) -> list[str]:
    """The argv of an entry that runs one program."""
    (plan,) = plans_of(entry, *extra_args)
    argv = plan["argv"]
    assert isinstance(argv, list)
    return [str(word) for word in argv]


def entry_messages(name: str, entry: object) -> list[CheckMessage]:
    """What checking one entry finds (the backend's own checks included)."""
    context = LaunchContext.current()
    return check_entry(name, entry, context).messages
