"""TCP addresses: ``host:port`` parsing and which listeners compete for a port."""

from __future__ import annotations

import pytest

from django_prodserver.config.addresses import (
    Address,
    addresses_overlap,
    parse_bind,
    parse_host_port,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("example.com", ("example.com", 9000)),
        (":8001", ("", 8001)),
        ("[::1]:8002", ("::1", 8002)),
        ("[::]", ("::", 9000)),
        ("::1", ("::1", 9000)),
        ("host:http", None),
        ("host:70000", None),
    ],
)
def test_parse_host_port(text: str, expected: Address | None) -> None:
    assert parse_host_port(text, default_port=9000) == expected


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("tcp://0.0.0.0:81", ("0.0.0.0", 81)),
        ("example.com", ("example.com", 9000)),
        ("", ("0.0.0.0", 9000)),
        ("[::]:8002", ("::", 8002)),
        ("unix:/run/app.sock", None),
        ("fd://3", None),
    ],
)
def test_parse_bind(bind: str, expected: Address | None) -> None:
    assert parse_bind(bind, default_port=9000) == expected


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (("127.0.0.1", 8000), ("127.0.0.1", 8000), True),
        (("127.0.0.1", 8000), ("127.0.0.1", 8001), False),
        (("127.0.0.1", 8000), ("10.0.0.5", 8000), False),
        (("0.0.0.0", 8000), ("10.0.0.5", 8000), True),
        (("10.0.0.5", 8000), ("0.0.0.0", 8000), True),
        (("::", 8000), ("127.0.0.1", 8000), True),
        (("", 8000), ("127.0.0.1", 8000), True),
        (("*", 8080), ("127.0.0.1", 8080), True),
        (("localhost", 8000), ("127.0.0.1", 8000), True),
        (("LOCALHOST", 8000), ("localhost", 8000), True),
        (("[::1]", 8000), ("::1", 8000), True),
        (("0.0.0.0", 0), ("0.0.0.0", 0), False),
    ],
)
def test_addresses_overlap(first: Address, second: Address, overlap: bool) -> None:
    assert addresses_overlap(first, second) is overlap
