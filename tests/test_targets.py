"""``WAIT_FOR`` targets: where each listens, read from the settings and URLs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from django_prodserver.backends.base import ProcessConfig
from django_prodserver.backends.celery import CeleryWorker
from django_prodserver.before.targets import Endpoint, TargetError, endpoints, redacted

WORKER = "django_prodserver.backends.celery.CeleryWorker"
# The targets read DATABASES; no test here opens a connection.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def worker(**args: Any) -> CeleryWorker:
    config = ProcessConfig("worker", WORKER, "mysite.celery.app", args)
    return CeleryWorker(config, {})


def found(target: str, **settings: Any) -> list[tuple[str, str, int, str]]:
    """(protocol, host, port, what) of each endpoint of ``target``."""
    with override_settings(**settings):
        return [
            (e.protocol, e.unix or e.host, e.port, e.what)
            for e in endpoints(target, worker())
        ]


def postgres(**conf: Any) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.postgresql", "NAME": "app", **conf}


SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


@pytest.mark.parametrize(
    ("target", "databases", "expected"),
    [
        ("database", {"default": SQLITE}, []),
        (
            "database",
            {"default": postgres(HOST="db", PORT="6543")},
            [("postgres", "db", 6543, "the database 'default'")],
        ),
        (
            "database",
            {"default": postgres(HOST="db"), "other": SQLITE},
            [("postgres", "db", 5432, "the database 'default'")],
        ),
        (
            "database",
            {"default": postgres()},
            [("postgres", "localhost", 5432, "the database 'default'")],
        ),
        (
            "database:replica",
            {"default": SQLITE, "replica": postgres(HOST="r", PORT=5433)},
            [("postgres", "r", 5433, "the database 'replica'")],
        ),
        (
            "database",
            {"default": postgres(HOST="/var/run/postgresql")},
            [
                (
                    "postgres",
                    "/var/run/postgresql/.s.PGSQL.5432",
                    0,
                    "the database 'default'",
                )
            ],
        ),
        (
            "database",
            {"default": {"ENGINE": "django.db.backends.mysql", "HOST": "m"}},
            [("mysql", "m", 3306, "the database 'default'")],
        ),
        (
            "database",
            {"default": {"ENGINE": "django.contrib.gis.db.backends.postgis"}},
            [("postgres", "localhost", 5432, "the database 'default'")],
        ),
        (
            "database",
            {"default": {"ENGINE": "mssql", "HOST": "sql", "PORT": "1533"}},
            [("tcp", "sql", 1533, "the database 'default'")],
        ),
    ],
)
def test_database_targets(
    target: str, databases: dict[str, Any], expected: list[tuple[Any, ...]]
) -> None:
    assert found(target, DATABASES=databases) == expected


def test_a_postgresql_endpoint_knows_whom_to_ask_for() -> None:
    with override_settings(DATABASES={"default": postgres(USER="app_user")}):
        [endpoint] = endpoints("database", worker())
    assert (endpoint.user, endpoint.database) == ("app_user", "app")


@pytest.mark.parametrize(
    ("target", "databases", "message", "hint"),
    [
        (
            "database:defualt",
            {"default": SQLITE},
            "DATABASES has no alias 'defualt'",
            "Did you mean 'default'?",
        ),
        (
            "database:x",
            {"default": SQLITE},
            "DATABASES has no alias 'x'",
            "DATABASES has 'default'.",
        ),
        (
            "database",
            {"default": {"ENGINE": "some.custom.backend", "HOST": "h"}},
            "cannot tell the port of the database 'default' (ENGINE "
            "'some.custom.backend')",
            "Set DATABASES['default']['PORT']",
        ),
        (
            "database",
            {"default": postgres(PORT="none")},
            "DATABASES['default'] has the port 'none'",
            "A port is a number up to 65535.",
        ),
    ],
)
def test_database_target_errors(
    target: str, databases: dict[str, Any], message: str, hint: str
) -> None:
    with override_settings(DATABASES=databases), pytest.raises(TargetError) as caught:
        endpoints(target, worker())
    assert caught.value.message == message
    assert caught.value.hint.startswith(hint)


@pytest.mark.parametrize(
    ("target", "cache", "expected"),
    [
        ("cache", {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, []),
        (
            "cache",
            {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://r1:6380/1,redis://r2/1",
            },
            [
                ("redis", "r1", 6380, "the cache 'default'"),
                ("redis", "r2", 6379, "the cache 'default'"),
            ],
        ),
        (
            "cache",
            {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": ["rediss://r"]},
            [("tcp", "r", 6379, "the cache 'default'")],
        ),
        (
            "cache",
            {
                "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                "LOCATION": "mc:11212;unix:/tmp/mc.sock",
            },
            [
                ("tcp", "mc", 11212, "the cache 'default'"),
                ("tcp", "/tmp/mc.sock", 0, "the cache 'default'"),
            ],
        ),
        (
            "cache",
            {
                "BACKEND": "django.core.cache.backends.memcached.PyLibMCCache",
                "LOCATION": "mc",
            },
            [("tcp", "mc", 11211, "the cache 'default'")],
        ),
    ],
)
def test_cache_targets(
    target: str, cache: dict[str, Any], expected: list[tuple[Any, ...]]
) -> None:
    assert found(target, CACHES={"default": cache}) == expected


def test_cache_alias() -> None:
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://s:6379",
        },
    }
    assert found("cache:sessions", CACHES=caches) == [
        ("redis", "s", 6379, "the cache 'sessions'")
    ]
    with override_settings(CACHES=caches), pytest.raises(TargetError) as caught:
        endpoints("cache:session", worker())
    assert caught.value.hint == "Did you mean 'sessions'?"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://db:5432", ("tcp", "db", 5432)),
        ("tcp://[::1]:5432", ("tcp", "::1", 5432)),
        ("redis://:secret@cache:6380/0", ("redis", "cache", 6380)),
        ("redis://", ("redis", "localhost", 6379)),
        ("rediss://cache", ("tcp", "cache", 6379)),
        ("postgres://u:p@db/app", ("postgres", "db", 5432)),
        ("postgresql://db:6000", ("postgres", "db", 6000)),
        ("amqp://guest@mq//", ("amqp", "mq", 5672)),
        ("amqps://mq", ("tcp", "mq", 5671)),
        ("pyamqp://mq", ("amqp", "mq", 5672)),
        ("sqla+postgresql://db/x", ("postgres", "db", 5432)),
        ("mysql://db", ("mysql", "db", 3306)),
        ("http://search/health?x=1", ("http", "search", 80)),
        ("https://api.example.com:8443/", ("https", "api.example.com", 8443)),
        ("unix:///run/redis.sock", ("tcp", "/run/redis.sock", 0)),
    ],
)
def test_url_targets(url: str, expected: tuple[str, str, int]) -> None:
    [endpoint] = endpoints(url, worker())
    assert (endpoint.protocol, endpoint.unix or endpoint.host, endpoint.port) == (
        expected
    )


def test_url_details() -> None:
    [http] = endpoints("http://search/health?x=1", worker())
    assert http.path == "/health?x=1"
    assert http.describe() == "http://search/health?x=1 at http://search:80/health?x=1"
    [pg] = endpoints("postgres://app_user:pw@db/app", worker())
    assert (pg.user, pg.database) == ("app_user", "app")
    [tcp] = endpoints("tcp://db:5432", worker())
    assert tcp.describe() == "tcp://db:5432"
    [redis] = endpoints("redis://app:p%40ss@cache/0", worker())
    assert (redis.user, redis.password) == ("app", "p@ss")
    assert "p@ss" not in repr(redis)
    [anonymous] = endpoints("redis://:secret@cache/0", worker())
    assert (anonymous.user, anonymous.password) == ("", "secret")
    assert endpoints("memory://", worker()) == []


@pytest.mark.parametrize(
    ("target", "message", "hint"),
    [
        ("databse", "'databse' is not something prodserver can wait for", "Did you "
         "mean 'database'?"),
        ("redis", "'redis' is not something prodserver can wait for", "WAIT_FOR takes"),
        ("tcp://db", "'tcp://db' has no host and port", 'Write it as "tcp://HOST:PORT".'),
        ("tcp://:5432", "'tcp://:5432' has no host and port", "Write it as"),
        ("reddis://x", "'reddis://x' has a scheme prodserver cannot wait for",
         "Did you mean 'redis'?"),
        ("gopher://x", "'gopher://x' has a scheme prodserver cannot wait for",
         "WAIT_FOR"),
        ("redis://x:99999", "'redis://x:99999' has the port '99999'",
         "A port is a number from 1 to 65535"),
    ],
)  # fmt: skip
def test_target_errors(target: str, message: str, hint: str) -> None:
    with pytest.raises(TargetError) as caught:
        endpoints(target, worker())
    assert caught.value.message.startswith(message)
    assert caught.value.hint.startswith(hint)


def test_passwords_stay_out_of_messages() -> None:
    assert redacted("redis://:secret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert redacted("amqp://u:p@mq//") == "amqp://u:***@mq//"
    assert redacted("tcp://db:5432") == "tcp://db:5432"
    [endpoint] = endpoints("redis://:secret@cache/0", worker())
    assert "secret" not in endpoint.describe()
    with pytest.raises(TargetError) as caught:
        endpoints("reddis://u:secret@x", worker())
    assert "secret" not in caught.value.message


# -- "broker" ------------------------------------------------------------------


def test_the_broker_of_a_celery_worker() -> None:
    with override_settings(CELERY_BROKER_URL="redis://broker:6390/0"):
        assert endpoints("broker", worker()) == [
            Endpoint("the broker", "redis", "broker", 6390)
        ]


def test_a_backend_without_a_broker() -> None:
    from mysite.backends import StatusProbe

    backend = StatusProbe(ProcessConfig("probe", "mysite.backends.StatusProbe"), {})
    with pytest.raises(TargetError) as caught:
        endpoints("broker", backend)
    assert caught.value.message == (
        "'broker': BACKEND 'mysite.backends.StatusProbe' has no broker prodserver "
        "can find"
    )
    assert "Write the broker's URL instead" in caught.value.hint


def test_a_failover_list_waits_for_its_first_broker() -> None:
    with override_settings(CELERY_BROKER_URL="amqp://a:5673//;amqp://b//"):
        [endpoint] = endpoints("broker", worker())
    assert (endpoint.host, endpoint.port) == ("a", 5673)


@pytest.mark.parametrize(
    ("target", "alias"), [("migrations", "default"), ("migrations:replica", "replica")]
)
def test_migrations_targets(target: str, alias: str) -> None:
    databases = {"default": SQLITE, "replica": postgres(HOST="r")}
    with override_settings(DATABASES=databases):
        [endpoint] = endpoints(target, worker())
    assert (endpoint.protocol, endpoint.database) == ("migrations", alias)
    # Django's connection knows where the database is: the line names the alias.
    assert endpoint.describe() == f"the migrations of the database {alias!r}"


@pytest.mark.parametrize(
    ("target", "message", "hint"),
    [
        ("migrations:nope", "DATABASES has no alias 'nope'", "DATABASES has 'default'"),
        ("migration", "'migration' is not something prodserver can wait for",
         "Did you mean 'migrations'?"),
    ],
)  # fmt: skip
def test_migrations_target_errors(target: str, message: str, hint: str) -> None:
    with (
        override_settings(DATABASES={"default": SQLITE}),
        pytest.raises(TargetError) as caught,
    ):
        endpoints(target, worker())
    assert caught.value.message == message
    assert caught.value.hint.startswith(hint)
