"""Every id of prodserver's system checks, in one place.

Errors stop ``manage.py check`` and the command; warnings are printed and the
launch goes on. ``SILENCED_SYSTEM_CHECKS`` silences an id in both. The
troubleshooting page of the documentation explains each one.
"""

from __future__ import annotations

#: ``PRODUCTION_PROCESSES`` is not a dict.
SETTING_NOT_A_DICT = "prodserver.E001"
#: A process name is not a plain word, or an entry is not a dict.
BAD_ENTRY = "prodserver.E002"
#: An entry has no ``BACKEND``.
NO_BACKEND = "prodserver.E003"
#: ``BACKEND`` cannot be imported.
BACKEND_NOT_IMPORTABLE = "prodserver.E004"
#: ``BACKEND`` is not a prodserver backend class.
NOT_A_BACKEND = "prodserver.E005"
#: ``ARGS`` is not a dict.
ARGS_NOT_A_DICT = "prodserver.E006"
#: An ``ARGS`` key is not an option name.
BAD_OPTION_NAME = "prodserver.E007"
#: An ``ARGS`` value has an unsupported type or value.
BAD_OPTION_VALUE = "prodserver.E008"
#: ``APP`` is missing where the backend needs it, or is not a string.
BAD_APP = "prodserver.E009"
#: ``ENV`` is not a dict of strings.
BAD_ENV = "prodserver.E010"
#: The Django app whose management command the backend runs is not in
#: ``INSTALLED_APPS`` (or, for daphne's ``runserver``, not first).
APP_NOT_INSTALLED = "prodserver.E011"
#: The backend's own code failed, or built no command line.
BACKEND_FAILED = "prodserver.E012"
#: A Django-Q2 cluster name without ``Q_CLUSTER['ALT_CLUSTERS']``.
CLUSTER_NAME_NEEDS_ALT_CLUSTERS = "prodserver.E013"
#: An entry has a key close to one it takes (a misspelling).
MISSPELT_ENTRY_KEY = "prodserver.E014"
#: A Celery entry's ``APP`` names no module that can be imported.
CELERY_APP_NOT_FOUND = "prodserver.E015"
#: ``BEFORE`` is not a list of management command lines.
BAD_BEFORE = "prodserver.E016"
#: A ``BEFORE`` step names a management command that does not exist.
UNKNOWN_COMMAND = "prodserver.E017"
#: ``WAIT_FOR`` is not a list of strings.
BAD_WAIT_FOR = "prodserver.E018"
#: A ``WAIT_FOR`` target that names nothing prodserver can wait for.
UNKNOWN_WAIT_TARGET = "prodserver.E019"
#: ``WAIT_TIMEOUT`` is not a number of seconds above 0, or None.
BAD_WAIT_TIMEOUT = "prodserver.E020"
#: An RQ worker serves a queue that ``RQ_QUEUES`` does not have.
RQ_QUEUE_NOT_CONFIGURED = "prodserver.E021"
#: An RQ worker serves queues of different Redis connections.
RQ_QUEUES_ON_SEVERAL_CONNECTIONS = "prodserver.E022"
#: ``STOP_TIMEOUT`` is not a number of seconds above 0, or None.
BAD_STOP_TIMEOUT = "prodserver.E023"
#: ``RESTART`` is not one of the restart policies.
BAD_RESTART = "prodserver.E024"
#: ``--export`` cannot write a value so that its format reads it back exactly.
EXPORT_REFUSED = "prodserver.E025"
#: A setting the program needs is not set (daphne's ``runserver``:
#: ``ASGI_APPLICATION``).
MISSING_SETTING = "prodserver.E026"
#: A value holds a character that would break its line (a line break, an
#: escape, another control character), which no program reads from its
#: command line or environment.
CONTROL_CHARACTER = "prodserver.E027"
#: A ``BEFORE`` step starts prodserver itself: a launch inside the launch.
NESTED_LAUNCH = "prodserver.E028"
#: ``REPLICAS`` (or ``--scale NAME=N``, or ``PRODSERVER_COPY``) is not a whole
#: number of at least 1 (exactly 1 for a process that must never run twice,
#: such as Celery beat or a release step).
BAD_REPLICAS = "prodserver.E029"
#: ``--env-file`` names a file that cannot be read, or a line of it is not a
#: ``NAME=value`` assignment.
BAD_ENV_FILE = "prodserver.E030"
#: An entry waits for the migrations (``WAIT_FOR: ["migrations"]``) that its
#: own ``BEFORE`` steps apply, after the wait: it would wait for ever.
WAITS_FOR_ITS_OWN_MIGRATIONS = "prodserver.E032"
#: ``PROBE`` is not a dict with a ``path`` that starts with ``/``.
BAD_PROBE = "prodserver.E033"
#: ``RESOURCES`` is not requests and limits of ``cpu`` and ``memory``.
BAD_RESOURCES = "prodserver.E034"

#: The program's package is not installed here (a dry run still works).
NOT_INSTALLED = "prodserver.W001"
#: An ``ARGS`` key the program does not know.
UNKNOWN_OPTION = "prodserver.W002"
#: Two web processes listen on the same address and port.
SAME_ADDRESS = "prodserver.W003"
#: ``threads`` of the django-tasks worker becomes more processes.
THREADS_BECOME_PROCESSES = "prodserver.W004"
#: An entry has a key prodserver does not know (nor one close to it).
UNKNOWN_ENTRY_KEY = "prodserver.W005"
#: Granian serves ASGI with one blocking thread only.
ASGI_BLOCKING_THREADS = "prodserver.W006"
#: ``BACKEND`` is a path of django-prodserver 3.0 that another replaces.
DEPRECATED_BACKEND_PATH = "prodserver.W007"
#: ``ARGS`` is a string (as 3.0 took it) rather than a dict.
ARGS_AS_STRING = "prodserver.W008"
#: The Huey consumer's graceful signal is not SIGTERM: SIGTERM interrupts tasks.
HUEY_TERM_INTERRUPTS_TASKS = "prodserver.W009"
#: Huey runs in immediate mode, in which its consumer refuses to start.
HUEY_IMMEDIATE_MODE = "prodserver.W010"
#: Hypercorn with two workers or more drops the requests in flight on stop.
HYPERCORN_WORKERS_DROP_REQUESTS = "prodserver.W011"
#: ``check --deploy``: a production entry runs a development server.
DEVELOPMENT_SERVER = "prodserver.W012"
#: ``check --deploy``: ``DEBUG = True`` with a web server entry.
DEBUG_WITH_WEB_SERVER = "prodserver.W013"
#: ``check --deploy`` and container exports: a web server listens on the
#: loopback only, which nothing outside its container reaches.
LOOPBACK_ONLY = "prodserver.W014"
