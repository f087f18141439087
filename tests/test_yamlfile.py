"""Strings in the YAML exports read back as themselves, in YAML 1.1 and 1.2."""

from __future__ import annotations

import pytest

from django_prodserver.export.yamlfile import dump, needs_double_quotes
from tests.exports import yaml_documents


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("web", False),
        ("./manage.py", False),
        ("_private", False),
        ("mysite.settings", False),
        ("yes", True),
        ("Off", True),
        ("~", True),
        ("", True),
        ("8000", True),
        ("0o17", True),
        ("1_000", True),
        ("-.inf", True),
        (".NaN", True),
        # YAML 1.1 allows underscores in numbers: some readers take these
        # for one, then fail to convert them.
        ("._", True),
        ("-_", True),
        ("+._0", True),
        ("._0", True),
        ("line\u2028break", True),
        ("bell\x07", True),
    ],
)
def test_a_string_is_quoted_where_some_reader_would_change_it(
    text: str, quoted: bool
) -> None:
    assert needs_double_quotes(text) is quoted
    # Read by PyYAML (YAML 1.1) and ruamel.yaml (YAML 1.2), which must agree.
    assert yaml_documents(dump([{"value": text}])) == [{"value": text}]
