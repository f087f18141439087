"""RQ through django-rq: ``python -m django rqworker [options] QUEUE…``.

The queues are positional arguments, in priority order: ``"queues": ["high",
"default"]`` runs ``rqworker high default``; without them the worker serves
``default``. Each must be a key of ``RQ_QUEUES``, all on one Redis connection:
rqworker fails at startup otherwise, and ``manage.py check`` says so first.

Signals (measured with rq 3.0 and django-rq 4.2): the first TERM or INT is a
*warm* shutdown: the running job (in its forked "work horse") finishes, then the
worker exits 0. A second one is a *cold* shutdown: the horse is killed, the job
is lost, and the worker still exits 0. QUIT, HUP, USR1 and USR2 kill the main
process and leave the horse running as an orphan; TTIN and TTOU stop a process
of a non-orphaned group: none of them is ever forwarded. A TERM to the whole
process group is safe (the horse ignores it), though both launch modes signal
the main PID only.

How long a warm shutdown may take is bounded by the job timeout:
``RQ_QUEUES[queue]["DEFAULT_TIMEOUT"]``, else RQ's 180 seconds, or a job's own
``job_timeout``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.checks import CheckMessage

from .. import check_ids
from ..config.options import ArgValue
from ..config.project_settings import settings
from .brokers import lower_keys, redis_url
from .declare import INT_AND_TERM
from .management import ManagementCommandBackend, command_rules
from .stop import after_graceful_window, seconds_value

#: What rqworker serves when no queue is named.
DEFAULT_QUEUE = "default"
#: The keys of an ``RQ_QUEUES`` entry that choose its connection (django-rq's
#: list): queues served together must agree on all of them.
CONNECTION_KEYS = frozenset(
    {
        "URL", "DB", "USE_REDIS_CACHE", "UNIX_SOCKET_PATH", "HOST", "PORT",
        "PASSWORD", "SENTINELS", "MASTER_NAME", "SOCKET_TIMEOUT", "SSL",
        "CONNECTION_KWARGS", "SSL_CERT_REQS",
    }
)  # fmt: skip
QUEUES_HINT = 'Name queues of RQ_QUEUES, as a list: "queues": ["high", "default"].'


#: RQ's job timeout where a queue sets none, in seconds.
DEFAULT_JOB_TIMEOUT = 180.0


def queue_names(value: ArgValue) -> list[str]:
    """The queue names of an ARGS ``queues`` value (one name, or a list)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return [str(item) for item in items if item is not None and item is not False]


def connection_of(config: object) -> dict[str, object]:
    """The connection keys of one ``RQ_QUEUES`` entry."""
    if not isinstance(config, Mapping):
        return {}
    return {k: v for k, v in config.items() if k in CONNECTION_KEYS}


class RQWorker(ManagementCommandBackend):
    """django-rq's ``rqworker``, serving the queues that ARGS name."""

    program = command = "rqworker"
    # No heartbeat it keeps on this machine: its process is the sign, unless
    # setproctitle renames it "rq:worker:NAME: …".
    probe_running = renames_itself = True
    module = "django_rq"
    extra = "rq"
    option_rules = command_rules(
        flags="burst with-scheduler",
        values="job-class max-idle-time max-jobs name pid queue-class serializer "
        "worker-class worker-ttl",
        aliases="queue=queues",
        positional=("queues",),
    )
    accepted_signals = INT_AND_TERM
    django_app = (
        "django_rq",
        "django-rq's app",
        'Add "django_rq" to INSTALLED_APPS, and the queues to RQ_QUEUES.',
    )

    def served_queues(self) -> list[str]:
        """The queues this worker serves (``default`` when ARGS name none)."""
        value = self.option_values().get("queues")
        return queue_names(value) or [DEFAULT_QUEUE]

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """A warm stop waits for the running job, which its queue's
        ``DEFAULT_TIMEOUT`` (RQ's default: 180 s) bounds: the longest of the
        queues served, plus the margin; no limit for a queue without one (-1)."""
        queues = getattr(settings, "RQ_QUEUES", None)
        timeouts: list[float] = []
        for name in self.served_queues():
            config = queues.get(name) if isinstance(queues, Mapping) else None
            value = (
                config.get("DEFAULT_TIMEOUT") if isinstance(config, Mapping) else None
            )
            if str(value) == "-1":
                return None  # jobs without a timeout: no limit
            number = seconds_value(None if value is None else str(value))
            timeouts.append(DEFAULT_JOB_TIMEOUT if number is None else number)
        return after_graceful_window(max(timeouts, default=DEFAULT_JOB_TIMEOUT))

    def broker_url(self) -> str | None:
        """The Redis URL of its queues, from ``RQ_QUEUES`` (None when the
        connection is a Sentinel or cannot be read)."""
        queues = getattr(settings, "RQ_QUEUES", None)
        if not isinstance(queues, Mapping):
            return None
        config = queues.get(self.served_queues()[0])
        if not isinstance(config, Mapping) or "SENTINELS" in config:
            return None
        if "URL" not in config and "USE_REDIS_CACHE" in config:
            return cache_location(config["USE_REDIS_CACHE"])
        return redis_url(lower_keys(config))

    def check_config(self) -> list[CheckMessage]:
        return [*super().check_config(), *self.check_queues()]

    def check_queues(self) -> list[CheckMessage]:
        """Every served queue is in ``RQ_QUEUES``, all on one connection."""
        configured: Any = getattr(settings, "RQ_QUEUES", {})
        if not isinstance(configured, Mapping):
            return []  # django-rq reports a malformed setting itself
        served = self.served_queues()
        missing = [name for name in served if name not in configured]
        if missing:
            return [
                self.error(
                    check_ids.RQ_QUEUE_NOT_CONFIGURED,
                    f"RQ queue {missing[0]!r} is not in RQ_QUEUES "
                    f"({', '.join(map(repr, configured)) or 'empty'})",
                    f"Add {missing[0]!r} to RQ_QUEUES, or serve another queue. "
                    + QUEUES_HINT,
                )
            ]
        first = connection_of(configured[served[0]])
        other = next(
            (q for q in served[1:] if connection_of(configured[q]) != first), None
        )
        if other is None:
            return []
        return [
            self.error(
                check_ids.RQ_QUEUES_ON_SEVERAL_CONNECTIONS,
                f"RQ queues {served[0]!r} and {other!r} have different connections "
                "in RQ_QUEUES; one rqworker serves queues of one connection only",
                "Give them the same connection, or run one RQWorker entry per "
                "connection.",
            )
        ]


def cache_location(alias: object) -> str | None:
    """The Redis URL of the cache that ``USE_REDIS_CACHE`` names."""
    caches = getattr(settings, "CACHES", {})
    cache = caches.get(alias) if isinstance(caches, Mapping) else None
    location = cache.get("LOCATION") if isinstance(cache, Mapping) else None
    if isinstance(location, (list, tuple)):
        location = location[0] if location else None
    return location if isinstance(location, str) and location else None
