"""The options of ``celery``, its ``worker`` and ``beat`` subcommands, and
Flower, as their own ``--help`` lists them (Celery 5.x, Flower 2.x)."""

#: Options of the ``celery`` command itself, which precede the subcommand.
GLOBAL_FLAGS = frozenset({"no-color", "quiet", "skip-checks"})
GLOBAL_OPTIONS = frozenset({"broker", "result-backend", "loader", "config", "workdir"})
GLOBAL = GLOBAL_FLAGS | GLOBAL_OPTIONS
GLOBAL_SHORT = {"b": "broker", "C": "no-color", "q": "quiet"}

#: Options both subcommands take (daemonization and logging).
COMMON_OPTIONS = frozenset(
    {"loglevel", "logfile", "pidfile", "uid", "gid", "umask", "executable"}
)

WORKER_FLAGS = frozenset(
    {
        "detach", "disable-prefetch", "task-events", "purge", "without-gossip",
        "without-mingle", "without-heartbeat", "beat",
    }
)  # fmt: skip
WORKER_OPTIONS = COMMON_OPTIONS | {
    "hostname", "statedb", "optimization", "prefetch-multiplier", "concurrency",
    "pool", "time-limit", "soft-time-limit", "max-tasks-per-child",
    "pool-start-method", "max-memory-per-child", "queues", "exclude-queues",
    "include", "heartbeat-interval", "autoscale", "schedule", "scheduler",
}  # fmt: skip
WORKER_SHORT = {
    **GLOBAL_SHORT,
    "n": "hostname", "D": "detach", "S": "statedb", "l": "loglevel",
    "O": "optimization", "c": "concurrency", "P": "pool", "E": "task-events",
    "Q": "queues", "X": "exclude-queues", "I": "include", "B": "beat",
    "s": "schedule", "f": "logfile",
}  # fmt: skip

BEAT_FLAGS = frozenset({"detach"})
BEAT_NEGATABLE = frozenset({"enable-remote-control"})
BEAT_OPTIONS = COMMON_OPTIONS | {"schedule", "scheduler", "max-interval", "hostname"}
BEAT_SHORT = {
    **GLOBAL_SHORT,
    "s": "schedule", "S": "scheduler", "n": "hostname", "l": "loglevel",
    "f": "logfile",
}  # fmt: skip

# Flower's options are Tornado options (``celery flower --help``): every one is
# written ``--name=value``, with dashes or underscores.
FLOWER_BOOLEANS = frozenset(
    {
        "auto-refresh", "debug", "enable-events", "log-to-stderr", "natural-time",
        "persistent", "read-only", "xheaders",
    }
)  # fmt: skip
FLOWER_OPTIONS = frozenset(
    {
        "address", "auth", "auth-provider", "basic-auth", "broker-api", "ca-certs",
        "certfile", "conf", "cookie-secret", "db", "format-task", "inspect-timeout",
        "keyfile", "log-file-max-size", "log-file-num-backups", "log-file-prefix",
        "log-rotate-interval", "log-rotate-mode", "log-rotate-when", "logging",
        "max-tasks", "max-workers", "oauth2-key", "oauth2-redirect-uri",
        "oauth2-secret", "port", "purge-offline-workers", "state-save-interval",
        "task-runtime-metric-buckets", "tasks-columns", "unix-socket", "url-prefix",
    }
)  # fmt: skip
