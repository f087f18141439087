"""``BEFORE`` steps: how a step is written, and how it runs (in this process,
through ``call_command``). The real launches are in test_lifecycle.py."""

from __future__ import annotations

import os
import re

import pytest

from django_prodserver.before.steps import describe, run_steps, split_step
from django_prodserver.config.entry import ProcessConfig
from django_prodserver.exceptions import ConfigurationError


@pytest.mark.parametrize(
    ("step", "words"),
    [
        ("migrate --noinput", ("migrate", "--noinput")),
        ("  migrate   --noinput ", ("migrate", "--noinput")),
        (["migrate", "--noinput"], ("migrate", "--noinput")),
        (("check",), ("check",)),
        ("check --tag 'two words'", ("check", "--tag", "two words")),
        ('shell -c "print(1)"', ("shell", "-c", "print(1)")),
        ("createcachetable # no comment", ("createcachetable", "#", "no", "comment")),
        (["shell", "-c", "x = 'a b'"], ("shell", "-c", "x = 'a b'")),
    ],
)
def test_a_step_is_split_like_a_shell_would(step: object, words: tuple[str]) -> None:
    assert split_step(step) == words


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        ("", "has no command"),
        ("   ", "has no command"),
        ([], "has no command"),
        ([""], "has no command"),
        ("migrate 'unclosed", "cannot be split into words (No closing quotation)"),
        (3, "is neither a command line string nor a list of words"),
        (["migrate", 3], "is neither a command line string nor a list of words"),
        ({"migrate": True}, "is neither a command line string nor a list of words"),
        (["migrate", "a\0b"], "contains a NUL character"),
        ("python manage.py migrate", "is a shell command"),
        ("python3.12 manage.py migrate", "is a shell command"),
        ("./manage.py migrate", "is a shell command"),
        ("django-admin migrate", "is a shell command"),
        ("--noinput migrate", "starts with an option"),
    ],
)
def test_a_malformed_step_says_what_is_wrong(step: object, problem: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(problem)}"):
        split_step(step)


def test_a_step_is_shown_as_a_manage_py_line() -> None:
    assert describe(("check", "--tag", "two words")) == (
        "manage.py check --tag 'two words'"
    )


def config(*steps: tuple[str, ...]) -> ProcessConfig:
    return ProcessConfig("web", "backend.Path", before=steps)


def test_steps_run_in_order_in_this_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    said: list[str] = []
    steps = [("check",), ("shell", "-v", "0", "-c", "import os; print(os.getpid())")]
    run_steps(config(*steps), said.append)
    out = capsys.readouterr().out.splitlines()
    assert out == ["System check identified no issues (0 silenced).", str(os.getpid())]
    assert said == [
        "web: manage.py check",
        "web: manage.py shell -v 0 -c 'import os; print(os.getpid())'",
    ]


@pytest.mark.parametrize(
    ("step", "failure"),
    [
        (
            ("check", "--no-such-option"),
            "BEFORE step 'check --no-such-option' failed: Error: unrecognized "
            "arguments: --no-such-option",
        ),
        (
            ("nosuchcommand",),
            "BEFORE step 'nosuchcommand' failed: Unknown command: 'nosuchcommand'",
        ),
        (
            ("shell", "-c", "raise ValueError('bad\\nvalue')"),
            "failed: ValueError: bad value",
        ),
        (
            ("shell", "-c", "import sys; sys.exit(3)"),
            "failed: it exited with status 3",
        ),
    ],
)
def test_a_failing_step_is_one_error_line_naming_it(
    step: tuple[str, ...], failure: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        run_steps(config(step, ("shell", "-c", "print('never')")), lambda _: None)
    message = str(caught.value)
    assert message.startswith("PRODUCTION_PROCESSES['web']: BEFORE step ")
    assert failure in message
    assert "\n" not in message
    assert caught.value.returncode == 1
    assert caught.value.__cause__ is not None  # for --traceback


def test_a_step_that_exits_0_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    run_steps(
        config(("shell", "-c", "import sys; sys.exit(0)"), ("check", "--help")),
        lambda _: None,
    )
    assert "usage:" in capsys.readouterr().out
