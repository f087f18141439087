"""django-extensions' development server: ``python -m django runserver_plus
[ADDRPORT]``, on Werkzeug.

It needs ``django_extensions`` in ``INSTALLED_APPS`` and Werkzeug installed
(the ``dev`` extra brings both). **Werkzeug's interactive debugger is on**
whatever ``DEBUG`` says: anyone who can reach the server can run code in it
once they have the PIN it prints (``nopin`` removes even that). Keep it on
127.0.0.1. Its reloader stops on TERM or INT with status 0; a second TERM ends
it by the signal.
"""

from __future__ import annotations

from .. import programs
from .base import RunserverBackend, runserver_rules

# From django-extensions 4.1 (``manage.py runserver_plus --help``); it has no
# --skip-checks.
FLAGS = frozenset(
    {
        "browser", "ipdb", "keep-meta-shutdown", "nopin", "pdb", "pm",
        "print-sql", "print-sql-location", "threaded",
    }
)  # fmt: skip
VALUE_OPTIONS = frozenset(
    {
        "cert", "cert-file", "exclude-pattern", "extra-file", "key-file",
        "output", "reloader-interval", "reloader-type", "startup-messages",
        "truncate-sql",
    }
)  # fmt: skip
#: The plural names that earlier django-prodserver releases documented.
ALIASES = {"extra-files": "extra-file", "exclude-patterns": "exclude-pattern"}


class RunserverPlus(RunserverBackend):
    """``runserver_plus`` of django-extensions, with Werkzeug's debugger."""

    program = command = "runserver_plus"
    module = "django_extensions"
    extra = "dev"
    command_app = "django_extensions"
    static_flags_always = True
    option_rules = runserver_rules(
        FLAGS, VALUE_OPTIONS, ALIASES, without=frozenset({"skip-checks"})
    )

    own_args = frozenset(
        {
            "processes", "passthrough-errors", "use-debugger", "trusted-hosts",
            "evalex", "ssl-dev-cert-dir",
        }
    )  # fmt: skip

    @classmethod
    def is_installed(cls) -> bool:
        return super().is_installed() and programs.is_installed("werkzeug")


#: The name of :class:`RunserverPlus` in django-prodserver 3.0 (deprecated).
WerkzeugRunserver = RunserverPlus
