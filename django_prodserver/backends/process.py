"""The base class of every backend: what a program is, and how its argv is built.

A subclass declares what differs as class attributes (see
:class:`ProcessBackend`); the methods read them.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from .. import check_ids
from ..config import messages
from ..config.entry import UNSET, ProcessConfig
from ..config.options import (
    ArgsError,
    ArgValue,
    OptionGroup,
    OptionRules,
    group_values,
    join_options,
    option_value,
    positional_words,
    translate,
    translate_all,
    word_groups,
)
from ..exceptions import ConfigurationError
from ..signals import FORWARDABLE
from . import programs
from .option_checks import unknown_options
from .probes import DEFAULT_PATH, Probe
from .stop import DEFAULT_STOP_TIMEOUT, after_graceful_window, seconds_value
from .targets import (
    APP_HINT,
    asgi_application_path,
    dotted_to_target,
    wsgi_application_path,
)

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


class ProcessBackend:
    """Base class of every backend: how to build one program's command line.

    Class attributes describe the program; subclasses set what applies:

    ``program``
        Its console script (looked up next to the running Python).
    ``module``
        Its top-level Python module: tells whether it is installed (without
        one, prodserver cannot tell and assumes it is), and runs it as
        ``python -m module`` when the script is missing.
    ``extra``
        The ``django-prodserver[extra]`` that installs it, if there is one.
    ``package``
        What ``pip install`` installs it by, when there is no extra (defaults
        to ``program``).
    ``option_rules``
        Its flags, aliases, known and positional options, an
        :class:`~django_prodserver.config.options.OptionRules`.
    ``stop_signal``
        The signal that stops it gracefully; SIGTERM sent to prodserver becomes this.
    ``accepted_signals``
        The signals it handles; others are not forwarded to it in spawn mode.
    ``can_exec``
        Whether prodserver may replace itself with the program.
    ``reaps_orphans``
        Whether the program reaps every child that exits, its own or not
        (``waitpid(-1)``): as process 1 of a container, where it adopts the
        orphans of every process, it may then replace prodserver there too.
    ``requires_app``
        Whether the entry must have an ``APP`` key.
    ``own_args``
        ARGS keys that prodserver itself handles; they never reach the program.
    ``single_instance``
        Whether exactly one copy of the process may run in a deployment (a
        scheduler such as Celery beat): the exports never scale it out.
    ``oneshot``
        Whether the entry runs once, to completion, rather than until it is
        stopped (a release step): a launch of several processes runs it
        first, and starts the others only if it succeeds.
    ``needs_django_setup``
        Whether the backend's code needs Django's app registry (models, app
        configs): the ``prodserver`` console script then runs ``django.setup()``
        before it checks the entry, as ``manage.py`` always does.
    ``graceful_option``, ``graceful_variable``, ``graceful_default``
        The option that bounds the program's graceful stop, in seconds (and the
        environment variable the program also reads it from, and its value when
        neither sets it): the stop budget is that window plus
        :data:`~django_prodserver.backends.stop.STOP_MARGIN`. Without a
        ``graceful_option`` it is
        :data:`~django_prodserver.backends.stop.DEFAULT_STOP_TIMEOUT`.
    """

    program: ClassVar[str | None] = None
    module: ClassVar[str | None] = None
    extra: ClassVar[str | None] = None
    package: ClassVar[str | None] = None
    option_rules: ClassVar[OptionRules] = OptionRules()
    stop_signal: ClassVar[str] = "SIGTERM"
    accepted_signals: ClassVar[frozenset[str]] = FORWARDABLE
    can_exec: ClassVar[bool] = True
    reaps_orphans: ClassVar[bool] = False
    requires_app: ClassVar[bool] = False
    own_args: ClassVar[frozenset[str]] = frozenset()
    single_instance: ClassVar[bool] = False
    oneshot: ClassVar[bool] = False
    needs_django_setup: ClassVar[bool] = False
    graceful_option: ClassVar[str | None] = None
    graceful_variable: ClassVar[str | None] = None
    graceful_default: ClassVar[float | None] = None

    def __init__(
        self,
        config: ProcessConfig,
        environ: Mapping[str, str] | None = None,
        project_key: str = "",
    ) -> None:
        self.config = config
        self.name = config.name
        #: The environment the program will see (the launcher's plus ``ENV``).
        self.environ: Mapping[str, str] = environ or {}
        #: A short stable id of the project, for per-project file names.
        self.project_key = project_key

    # -- what subclasses override -------------------------------------------------

    def build_argv(self, options: list[str]) -> list[str]:
        """The program's full argv, given its translated ``options``.

        ``options`` holds ARGS, the backend's defaults and the arguments given
        after ``--``. The default is ``[*program_argv(), *options,
        *arguments()]``: the program, its options, then :meth:`target` and the
        positional ARGS.
        """
        return [*self.program_argv(), *options, *self.arguments()]

    def target(self) -> str | None:
        """The positional argument that names what to run (web servers: the
        application, ``mysite.wsgi:application``); None for none."""
        return None

    def default_args(self) -> dict[str, ArgValue]:
        """Options used where ARGS do not set them (canonical names)."""
        return {}

    def environment(self) -> dict[str, str]:
        """Variables this backend sets for the program (``ENV`` still wins)."""
        return {}

    def writable_args(self, directory: str, extra_args: Sequence[str]) -> list[str]:
        """Arguments (after ``--``) that make the program write its files in
        ``directory`` rather than in the working directory, for a container
        whose root filesystem is read-only. None by default: most write only
        temporary files, which go to ``/tmp``."""
        return []

    def probe(
        self, extra_args: list[str], http_path: str = DEFAULT_PATH
    ) -> Probe | None:
        """How to tell that the running process is healthy (``--probe``), given
        the arguments after ``--``; None, the default, when there is no check
        better than the process being alive.

        Web servers return an :class:`~django_prodserver.backends.probes.HttpProbe`
        of where they listen (``http_path`` is the path to ask for); a worker may
        return a :class:`~django_prodserver.backends.probes.CommandProbe`, a command
        that asks it (run with the process's environment, never imported here).
        """
        return None

    def broker_url(self) -> str | None:
        """The URL of the message broker the program connects to, which
        ``WAIT_FOR: ["broker"]`` waits for; None if it has none. Read from
        settings and :attr:`environ`, never by importing the program."""
        return None

    def check_config(self) -> list[CheckMessage]:
        """System checks of this entry; extend with ``super().check_config()``
        and :meth:`warning` / :meth:`error`."""
        return [*self.check_installed(), *self.check_known_args()]

    def commands(self, extra_args: list[str]) -> list[list[str]]:
        """Every argv this entry runs, given the arguments after ``--``; one,
        unless the backend runs several copies."""
        return [self.build_argv(self.options(extra_args))]

    def copy_args(self, extra_args: list[str], index: int) -> list[str]:
        """The arguments after ``--`` that copy ``index`` (1, 2, …) of several
        runs with: what keeps copies of one entry apart (see :mod:`.copies`)."""
        return list(extra_args)

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """How long a stop may take before what is left of the program is
        killed, when the entry sets no ``STOP_TIMEOUT``; None for no limit.

        ``argv`` is the command line the program runs. A backend whose program
        bounds its own graceful stop reads that bound from its options
        (:meth:`option_in_argv`) and returns :func:`after_graceful_window` of
        it, so that prodserver never cuts the program's own stop short. The
        default reads ``graceful_option`` that way; for a program prodserver
        knows nothing of, it is :data:`DEFAULT_STOP_TIMEOUT`.
        """
        if self.graceful_option is None:
            return DEFAULT_STOP_TIMEOUT
        window = seconds_value(self.graceful_text(argv))
        return after_graceful_window(
            self.graceful_default if window is None else window
        )

    def graceful_text(self, argv: list[str]) -> str | None:
        """The ``graceful_option`` value in ``argv``, else in the environment's
        ``graceful_variable``; None when neither sets it."""
        value = self.option_in_argv(argv, self.graceful_option or "")
        if value is None and self.graceful_variable:
            value = self.environ.get(self.graceful_variable)
        return value

    # -- helpers ------------------------------------------------------------------

    def stop_timeout(self, argv: list[str]) -> float | None:
        """The stop budget of this entry's program: its ``STOP_TIMEOUT``, else
        :meth:`default_stop_timeout`."""
        configured = self.config.stop_timeout
        if configured is UNSET:
            return self.default_stop_timeout(argv)
        return configured

    def option_in_argv(self, argv: Sequence[str], name: str) -> str | None:
        """The value of option ``name`` (canonical) in ``argv``, its last one
        winning as on the command line; None if ``argv`` does not set it."""
        return option_value(self.option_rules, argv, name)

    def option_in_variable(self, variable: str, name: str) -> str | None:
        """The value of option ``name`` in an environment variable that holds
        command-line options (gunicorn's ``GUNICORN_CMD_ARGS``)."""
        try:
            words = shlex.split(self.environ.get(variable, ""))
        except ValueError:  # unbalanced quotes: the program will say so
            return None
        return self.option_in_argv(words, name)

    def warning(self, check_id: str, message: str, hint: str) -> CheckMessage:
        """A check warning about this entry (its name goes first)."""
        return messages.warning(check_id, f"{self.config.label}: {message}", hint)

    def error(self, check_id: str, message: str, hint: str) -> CheckMessage:
        """A check error about this entry (its name goes first)."""
        return messages.error(check_id, f"{self.config.label}: {message}", hint)

    @property
    def args(self) -> dict[Any, ArgValue]:
        """ARGS without the keys prodserver handles itself (``own_args``)."""
        own = self.own_args
        return {
            k: v
            for k, v in self.config.args.items()
            if not (isinstance(k, str) and k.replace("_", "-") in own)
        }

    @cached_property
    def translated(self) -> tuple[list[OptionGroup], list[ArgsError]]:
        """ARGS as option groups, and the items that cannot be translated
        (translated once: the checks report the errors, the command uses both)."""
        if self.config.arg_words:
            return word_groups(self.option_rules, self.config.arg_words), []
        return translate_all(self.option_rules, self.args)

    def configured(self) -> set[str]:
        """The canonical option names that ARGS set."""
        if self.config.arg_words:
            return {group.name for group in self.translated[0] if group.name}
        rules = self.option_rules
        return {rules.canonical(k) for k in self.args if isinstance(k, str)}

    def configured_values(self) -> dict[str, ArgValue]:
        """Each option's value in ARGS, by canonical name (no defaults)."""
        if self.config.arg_words:
            return group_values(self.translated[0])
        rules = self.option_rules
        return {
            rules.canonical(k): v for k, v in self.args.items() if isinstance(k, str)
        }

    def option_values(self) -> dict[str, ArgValue]:
        """Each option's configured value by canonical name: ARGS, then defaults.

        The backend's :meth:`default_args` count where ARGS leave an option unset,
        as on the command line; arguments given after ``--`` are not included.
        """
        rules = self.option_rules
        values = self.configured_values()
        for name, value in self.default_args().items():
            values.setdefault(rules.canonical(name), value)
        return values

    def option_groups(self) -> list[OptionGroup]:
        """ARGS translated; raises the first ARGS error."""
        groups, errors = self.translated
        if errors:
            raise errors[0]
        return groups

    def default_groups(self) -> list[OptionGroup]:
        return translate(self.option_rules, self.default_args())

    def options(self, extra_args: list[str]) -> list[str]:
        """The options of the command line: ARGS, defaults, then ``extra_args``."""
        return join_options(
            self.option_rules, self.option_groups(), self.default_groups(), extra_args
        )

    def arguments(self) -> list[str]:
        """The positional arguments after the options: :meth:`target`, then the
        ARGS that ``option_rules.positional`` names."""
        target = self.target()
        rules = self.option_rules
        positional = positional_words(
            rules, [*self.option_groups(), *self.default_groups()]
        )
        return [*([target] if target else []), *positional]

    def program_argv(self) -> list[str]:
        """How to start ``program`` from the running Python's environment."""
        if self.program is None:
            raise NotImplementedError(f"{type(self).__name__} has no program")
        return programs.program_argv(self.program, self.module)

    @classmethod
    def is_installed(cls) -> bool:
        return cls.module is None or programs.is_installed(cls.module)

    @classmethod
    def install_hint(cls) -> str:
        """``gunicorn is not installed: pip install "django-prodserver[gunicorn]"``."""
        what = cls.program or cls.module or cls.__name__
        if cls.extra:
            return (
                f'{what} is not installed: pip install "django-prodserver[{cls.extra}]"'
            )
        return f"{what} is not installed: pip install {cls.package or what}"

    def app_target(self) -> str:
        """``APP`` as ``module:attr``."""
        if not self.config.app:
            raise ConfigurationError(
                f"{self.config.label} needs APP, the import path of the application "
                "instance",
                APP_HINT,
                check_ids.BAD_APP,
            )
        return dotted_to_target(self.config.app)

    def wsgi_target(self) -> str:
        """``APP`` if given, else ``WSGI_APPLICATION``, as ``module:attr``."""
        return dotted_to_target(self.config.app or wsgi_application_path())

    def asgi_target(self) -> str:
        """``APP``, ``ASGI_APPLICATION``, or the ``asgi`` module beside the WSGI one."""
        return dotted_to_target(self.config.app or asgi_application_path())

    def check_installed(self) -> list[CheckMessage]:
        if self.is_installed():
            return []
        return [
            self.warning(
                check_ids.NOT_INSTALLED,
                self.install_hint(),
                "Install it where this process runs; a dry run still works.",
            )
        ]

    def check_known_args(self) -> list[CheckMessage]:
        """prodserver.W002 for each ARGS key the program does not know."""
        keys: list[object] = list(self.config.args)
        if self.config.arg_words:  # ARGS as a string: the options it names
            keys = [group.name for group in self.translated[0] if group.name]
        what = self.program or type(self).__name__
        return [
            self.warning(
                check_ids.UNKNOWN_OPTION,
                f"ARGS key {key!r} is not a known {what} option; it is passed on "
                f"as --{name}",
                hint,
            )
            for key, name, hint in unknown_options(
                self.option_rules, keys, self.own_args
            )
        ]
