"""``--env-file``: a dotenv file of variables for every program started."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_prodserver.config.dotenv import LineError, parse_line, read_env_file
from django_prodserver.exceptions import ConfigurationError

from .processes import free_ports, launch, manage, prodserver, wait_for_http


@pytest.mark.parametrize(
    ("line", "name", "value"),
    [
        ("A=1", "A", "1"),
        ("export A=1", "A", "1"),
        ("  A = spaced out  ", "A", "spaced out"),
        ("A=", "A", ""),
        ("A=x # a comment", "A", "x"),
        ("A=x#not-a-comment", "A", "x#not-a-comment"),
        ("A='single # $HOME \\n'", "A", "single # $HOME \\n"),
        ('A="two\\nlines \\"q\\""', "A", 'two\nlines "q"'),
        ('A="x" # comment', "A", "x"),
        ("A=postgres://u:p@db/x", "A", "postgres://u:p@db/x"),
        ("A==b", "A", "=b"),
    ],
)
def test_parse_line(line: str, name: str, value: str) -> None:
    assert parse_line(line) == (name, value)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("just words", "not a NAME=value assignment"),
        ("1A=x", "not a NAME=value assignment"),
        ("A-B=x", "not a NAME=value assignment"),
        ("A='open", "the quote ' is not closed on its line"),
        ('A="x" y', "text after the quoted value of A"),
    ],
)
def test_parse_line_refuses(line: str, problem: str) -> None:
    with pytest.raises(LineError, match=problem):
        parse_line(line)


def test_read_env_file_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("# settings\n\nexport A=1\n  # indented comment\nB='2'\nA=3\n")
    assert read_env_file(str(path)) == {"A": "3", "B": "2"}


def test_malformed_line_names_file_and_line_not_value(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("A=1\nSECRET_KEY='s3cr3t\n")
    with pytest.raises(ConfigurationError) as raised:
        read_env_file(str(path))
    text = str(raised.value)
    assert text.startswith(f"prodserver.E030: --env-file '{path}', line 2: ")
    assert "s3cr3t" not in text


def write_env(tmp_path: Path, text: str) -> str:
    path = tmp_path / "prod.env"
    path.write_text(text)
    return str(path)


def test_dry_run_masks_every_value(tmp_path: Path) -> None:
    env_file = write_env(tmp_path, "export EXAMPLE_VARIABLE='from the file'\n")
    result = manage(
        "prodserver", "gunicorn", "--settings=mysite.settings_web",
        "--dry-run", f"--env-file={env_file}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("EXAMPLE_VARIABLE='***' ")
    assert "from the file" not in result.stdout + result.stderr


def test_dry_run_json_masks_every_value(tmp_path: Path) -> None:
    env_file = write_env(tmp_path, "EXAMPLE_VARIABLE=hidden\n")
    result = manage(
        "prodserver", "gunicorn", "--settings=mysite.settings_web",
        "--dry-run", "--format=json", f"--env-file={env_file}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"EXAMPLE_VARIABLE": "***"' in result.stdout
    assert "hidden" not in result.stdout


@pytest.mark.parametrize(
    ("text", "where"),
    [(None, "cannot read it (No such file or directory)"), ("A=1\nB\n", "line 2")],
)
def test_missing_or_malformed_file_is_one_line(
    tmp_path: Path, text: str | None, where: str
) -> None:
    env_file = write_env(tmp_path, text) if text else str(tmp_path / "missing.env")
    result = manage(
        "prodserver", "gunicorn", "--settings=mysite.settings_web",
        f"--env-file={env_file}",
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert f"prodserver.E030: --env-file '{env_file}'" in line
    assert where in line


@pytest.mark.integration
@pytest.mark.parametrize("mode", [[], ["--spawn"]], ids=["exec", "spawn"])
def test_served_program_sees_the_file(tmp_path: Path, mode: list[str]) -> None:
    (port,) = free_ports(1)
    env_file = write_env(tmp_path, '# prod\nexport EXAMPLE_VARIABLE="from the file"\n')
    args = prodserver(
        "gunicorn", "--settings=mysite.settings_web", f"--env-file={env_file}",
        *mode, "--", f"--bind=127.0.0.1:{port}", "--workers=1",
    )  # fmt: skip
    with launch(args, tmp_path) as launched:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/", launched.proc)
        assert status == 200
        assert isinstance(body, dict)
        assert body["example_variable"] == "from the file"
        assert "from the file" not in launched.text()
