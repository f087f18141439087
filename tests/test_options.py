"""ARGS → argv translation."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_prodserver.config.options import (
    ArgsError,
    OptionRules,
    build_options,
    names_in_argv,
    option_value,
    translate,
)
from django_prodserver.launch.plan import Plan

RULES = OptionRules(
    flags=frozenset({"preload", "reload"}),
    negatable=frozenset({"access-log", "proxy-headers"}),
    comma_joined=frozenset({"queues"}),
    several_values=frozenset({"path"}),
    aliases={"address": "host", "threads": "blocking-threads"},
    short={"w": "workers", "b": "bind"},
)


def argv_of(args: dict[object, object], rules: OptionRules = RULES) -> list[str]:
    return build_options(rules, args, {}, [])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"bind": "0.0.0.0:8000"}, ["--bind=0.0.0.0:8000"]),
        ({"workers": 4}, ["--workers=4"]),
        ({"timeout": 2.5}, ["--timeout=2.5"]),
        ({"workers": "4"}, ["--workers=4"]),
        ({"preload": True}, ["--preload"]),
        ({"preload": None}, ["--preload"]),
        ({"preload": False}, []),
        ({"unknown-flag": True}, ["--unknown-flag"]),
        ({"unknown-flag": None}, ["--unknown-flag"]),
        ({"unknown-flag": False}, []),
        ({"preload": "True"}, ["--preload"]),
        ({"preload": "yes"}, ["--preload"]),
        ({"preload": "1"}, ["--preload"]),
        ({"preload": "false"}, []),
        ({"preload": "no"}, []),
        ({"preload": "0"}, []),
        ({"access-log": False}, ["--no-access-log"]),
        ({"access-log": "False"}, ["--no-access-log"]),
        ({"access-log": True}, ["--access-log"]),
        ({"no-access-log": "True"}, ["--no-access-log"]),
        ({"no-access-log": False}, ["--access-log"]),
        ({"proxy_headers": True}, ["--proxy-headers"]),
        ({"bind": ["a:1", "b:2"]}, ["--bind=a:1", "--bind=b:2"]),
        ({"bind": ("a:1",)}, ["--bind=a:1"]),
        ({"bind": []}, []),
        ({"queues": ["high", "low"]}, ["--queues=high,low"]),
        ({"queues": "high,low"}, ["--queues=high,low"]),
        # nargs="*" options: a list follows one flag, word by word.
        ({"path": ["src", "."]}, ["--path", "src", "."]),
        ({"path": ("src",)}, ["--path", "src"]),
        ({"path": "src"}, ["--path=src"]),
        ({"path": []}, []),
        ({"max_requests": 1000}, ["--max-requests=1000"]),
        ({"max-requests": 1000}, ["--max-requests=1000"]),
        ({"address": "0.0.0.0"}, ["--host=0.0.0.0"]),
        ({"threads": 2}, ["--blocking-threads=2"]),
        ({"w": 3}, ["--workers=3"]),
        ({"x": "v"}, ["-x", "v"]),
        ({"log-format": "%(h)s %(r)s"}, ["--log-format=%(h)s %(r)s"]),
        ({"empty": ""}, ["--empty="]),
        (
            {"bind": "a", "workers": 2, "preload": True},
            ["--bind=a", "--workers=2", "--preload"],
        ),
    ],
)
def test_args_translation(args: dict[object, object], expected: list[str]) -> None:
    assert argv_of(args) == expected


@pytest.mark.parametrize(
    ("args", "check_id"),
    [
        ({"bad key": 1}, "prodserver.E007"),
        ({"--bind": "x"}, "prodserver.E007"),
        ({"bind=": "x"}, "prodserver.E007"),
        ({"": 1}, "prodserver.E007"),
        ({1: "x"}, "prodserver.E007"),
        ({"bind": {"a": 1}}, "prodserver.E008"),
        ({"bind": {"a", "b"}}, "prodserver.E008"),
        ({"bind": object()}, "prodserver.E008"),
        ({"bind": [["nested"]]}, "prodserver.E008"),
        ({"bind": [True]}, "prodserver.E008"),
        ({"preload": "maybe"}, "prodserver.E008"),
    ],
)
def test_bad_args_are_configuration_errors(
    args: dict[object, object], check_id: str
) -> None:
    with pytest.raises(ArgsError) as info:
        argv_of(args)
    assert info.value.check_id == check_id
    assert str(info.value).startswith(check_id)


@pytest.mark.parametrize(
    ("args", "defaults", "extra", "expected"),
    [
        ({"workers": 4}, {}, ["--workers=8"], ["--workers=8"]),
        (
            {"workers": 4, "bind": "a"},
            {},
            ["--workers", "8"],
            ["--bind=a", "--workers", "8"],
        ),
        ({"workers": 4}, {}, ["-w", "8"], ["-w", "8"]),
        ({"w": 4}, {}, ["--workers=8"], ["--workers=8"]),
        ({"bind": ["a", "b"]}, {}, ["--bind=c"], ["--bind=c"]),
        ({"access-log": True}, {}, ["--no-access-log"], ["--no-access-log"]),
        ({"address": "h"}, {}, ["--host=x"], ["--host=x"]),
        ({}, {"bind": "0.0.0.0:5000"}, [], ["--bind=0.0.0.0:5000"]),
        ({"bind": "a"}, {"bind": "0.0.0.0:5000"}, [], ["--bind=a"]),
        ({}, {"bind": "0.0.0.0:5000"}, ["--bind=b"], ["--bind=b"]),
        ({"workers": 2}, {}, ["--preload"], ["--workers=2", "--preload"]),
    ],
)
def test_overrides_and_defaults(
    args: dict[object, object],
    defaults: dict[str, object],
    extra: list[str],
    expected: list[str],
) -> None:
    assert build_options(RULES, args, defaults, extra) == expected  # type: ignore[arg-type]


def test_names_in_argv_ignores_values_and_positionals() -> None:
    tokens = [
        "--bind=a",
        "--workers",
        "8",
        "app:application",
        "-b",
        "x",
        "--no-proxy-headers",
    ]
    assert names_in_argv(RULES, tokens) == {"bind", "workers", "proxy-headers"}


@pytest.mark.parametrize(
    ("tokens", "name", "expected"),
    [
        (["--workers=8"], "workers", "8"),
        (["--workers", "8"], "workers", "8"),
        (["-w", "8"], "workers", "8"),
        (["-w8"], "workers", "8"),
        (["--workers=2", "app:app", "-w", "3"], "workers", "3"),  # the last one
        (["--address=::1"], "host", "::1"),  # an alias
        (["--workers"], "workers", None),  # no value to read
        (["--bind=a"], "workers", None),
        (["--worker=8"], "workers", None),
        ([], "workers", None),
    ],
)
def test_option_value_reads_what_the_program_will(
    tokens: list[str], name: str, expected: str | None
) -> None:
    assert option_value(RULES, tokens, name) == expected


def test_translate_keeps_groups_in_order() -> None:
    groups = translate(RULES, {"b": "x", "address": "y"})
    assert [g.name for g in groups] == ["bind", "host"]


option_keys = st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True).filter(
    lambda key: (
        key not in RULES.flags
        and key not in RULES.negatable
        and key not in RULES.short
        and not key.startswith("no-")
    )
)

#: Any text a command line can hold: everything but NUL and a lone surrogate
#: (which no command line holds either: prodserver.E008).
argv_text = st.text(st.characters(exclude_characters="\0", exclude_categories=["Cs"]))


@given(key=option_keys, value=argv_text)
def test_any_string_value_stays_one_argv_element(key: str, value: str) -> None:
    tokens = argv_of({key: value})
    assert len(tokens) == (2 if len(key) == 1 else 1)
    assert tokens[-1].endswith(value)


@given(
    args=st.dictionaries(
        option_keys,
        st.one_of(argv_text, st.integers(), st.lists(argv_text, max_size=3)),
        max_size=5,
    ),
    env=st.dictionaries(
        st.from_regex(r"[A-Z_][A-Z0-9_]{0,10}", fullmatch=True), argv_text, max_size=3
    ),
)
def test_shell_line_splits_back_to_the_argv(
    args: dict[str, object], env: dict[str, str]
) -> None:
    argv = ("/venv/bin/prog", *argv_of(args), "mysite.wsgi:application")  # type: ignore[arg-type]
    plan = Plan("web", "x.Backend", argv, env, "/srv")
    words = shlex.split(plan.shell_line())
    assert words[len(env) :] == list(argv)
    assert dict(w.split("=", 1) for w in words[: len(env)]) == env


@pytest.mark.parametrize("value", ["a\0b", ["ok", "\0"]])
def test_a_nul_character_is_an_error(value: object) -> None:
    with pytest.raises(ArgsError, match="NUL character") as info:
        argv_of({"name": value})
    assert info.value.check_id == "prodserver.E008"


LOWER_AND_EXCLUSIVE = OptionRules(
    lowercase=frozenset({"log-level"}),
    excludes={"listen": frozenset({"host", "port"}), "port": frozenset({"listen"})},
)


@pytest.mark.parametrize(
    ("args", "defaults", "extra", "expected"),
    [
        ({"log-level": "INFO"}, {}, [], ["--log-level=info"]),
        ({"log-level": ["INFO", "Debug"]}, {}, [], ["--log-level=info",
          "--log-level=debug"]),
        ({"log-level": "INFO"}, {}, ["--log-level=WARNING"], ["--log-level=WARNING"]),
        ({"other": "INFO"}, {}, [], ["--other=INFO"]),
        ({"host": "h", "port": 1, "xy": 2}, {}, ["--listen=a:1"],
         ["--xy=2", "--listen=a:1"]),
        ({"listen": "a:1", "host": "h"}, {}, ["--port=2"], ["--host=h", "--port=2"]),
        ({}, {"host": "0.0.0.0", "port": 5}, ["--listen=a:1"], ["--listen=a:1"]),
    ],
)  # fmt: skip
def test_lowercase_values_and_exclusive_options(
    args: dict[object, object],
    defaults: dict[str, object],
    extra: list[str],
    expected: list[str],
) -> None:
    built = build_options(LOWER_AND_EXCLUSIVE, args, defaults, extra)  # type: ignore[arg-type]
    assert built == expected
