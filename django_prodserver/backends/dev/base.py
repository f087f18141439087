"""What the development servers share: a ``runserver``-like management command.

``python -m django COMMAND [options] [ADDRPORT]``, where ``ADDRPORT`` is the
``addrport`` of ARGS (``"8000"``, ``"0.0.0.0:8000"``, ``"[::1]:8000"``). An
address given after ``--`` replaces the configured one.

Signals (Django's ``runserver``, daphne's, and django-extensions'
``runserver_plus`` alike): the launched process is the autoreloader, and the
server runs in its child. TERM or INT stop both and exit 0; requests in flight
are dropped (development servers do not drain). QUIT, HUP, USR1 and USR2 kill
the reloader and leave its child serving, TTIN/TTOU freeze it: never forwarded.
With ``noreload`` there is one process, which has no TERM handler: SIGTERM ends
it by the signal (spawn mode counts that as a clean stop), and as PID 1 in a
container SIGTERM does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import ClassVar

from django.apps import apps
from django.core.checks import CheckMessage

from ... import check_ids
from ...config.addresses import Address, parse_host_port, parse_port
from ...config.options import TRUE_WORDS, ArgValue, OptionRules
from ...text import did_you_mean
from .. import programs
from ..base import DJANGO_COMMAND_FLAGS, DJANGO_COMMAND_OPTIONS, WebServerBackend
from ..declare import INT_AND_TERM

#: The flags of Django's ``runserver`` (``-6`` is ``ipv6``).
RUNSERVER_FLAGS = DJANGO_COMMAND_FLAGS | {"ipv6", "noreload", "nothreading"}
#: What ``django.contrib.staticfiles`` adds to ``runserver`` (and daphne's).
STATIC_FLAGS = frozenset({"nostatic", "insecure"})
STATICFILES = "django.contrib.staticfiles"
#: Where the server listens: the positional argument.
ADDRPORT = "addrport"


def runserver_rules(
    flags: frozenset[str] = frozenset(),
    values: frozenset[str] = frozenset(),
    aliases: dict[str, str] | None = None,
    without: frozenset[str] = frozenset(),
) -> OptionRules:
    """The option rules of a runserver-like command with extra ``flags`` and
    ``values`` (options that take a value), ``without`` some of runserver's."""
    all_flags = (RUNSERVER_FLAGS | STATIC_FLAGS | flags) - without
    return OptionRules(
        flags=all_flags,
        aliases=aliases or {},
        short={"6": "ipv6", "v": "verbosity"},
        known=all_flags | DJANGO_COMMAND_OPTIONS | values,
        positional=(ADDRPORT,),
    )


def given_addrport(rules: OptionRules, tokens: Sequence[str]) -> bool:
    """Whether command-line ``tokens`` hold a positional word (an address),
    the values of options that take one aside."""
    value_pending = False
    for token in tokens:
        if value_pending:
            value_pending = False
        elif token.startswith("-") and len(token) > 1:
            name = token.lstrip("-").split("=", 1)[0]
            name = rules.short.get(name, name) if len(name) == 1 else name
            canonical = rules.canonical(name)
            value_pending = "=" not in token and not rules.is_flag(canonical)
        else:
            return True
    return False


def addrport_address(value: str, ipv6: bool) -> Address | None:
    """Where ``runserver ADDRPORT`` listens: ``8000`` on the default host,
    ``0:8000`` on every interface; None for what runserver would refuse."""
    default_host = "::1" if ipv6 else "127.0.0.1"
    if value.isdigit():
        port = parse_port(value)
        return None if port is None else (default_host, port)
    found = parse_host_port(value, -1)
    if found is None or found[1] == -1:
        return None
    host, port = found
    return ("0.0.0.0" if host == "0" else host or default_host), port


def is_set(values: Mapping[str, ArgValue], flag: str) -> bool:
    """Whether option values turn ``flag`` on (``None`` is a bare flag)."""
    if flag not in values:
        return False
    value = values[flag]
    if value is None or isinstance(value, bool):
        return value is not False
    return str(value).strip().lower() in TRUE_WORDS


class RunserverBackend(WebServerBackend):
    """A development server that is a management command of the project."""

    #: The management command, e.g. ``"runserver"``.
    command: ClassVar[str] = "runserver"
    option_rules = runserver_rules()
    # TERM and INT stop the reloader and its server; the other signals kill the
    # reloader and leave the server running in its orphaned child.
    accepted_signals = INT_AND_TERM
    # One developer's server: copies would need their own ADDRPORT, and a
    # deployment scales a production server instead (prodserver.W012).
    single_instance = True
    host_option = port_option = None
    socket_options: ClassVar[frozenset[str]] = frozenset()
    #: The Django app the command comes from (checked in ``INSTALLED_APPS``).
    command_app: ClassVar[str | None] = None
    #: Whether ``nostatic`` and ``insecure`` are options without staticfiles.
    static_flags_always: ClassVar[bool] = False
    #: ARGS keys of django-prodserver 3.0's own development server (which ran
    #: in Django's process) that the command has no option for: left out of
    #: the command line, with a warning.
    own_args: ClassVar[frozenset[str]] = frozenset()

    def program_argv(self) -> list[str]:
        return programs.python_module_argv("django", self.command)

    def target(self) -> None:
        return None

    def address_options(self) -> frozenset[str]:
        return frozenset({ADDRPORT})

    def port_default(self, port: str) -> dict[str, ArgValue]:
        host = "[::]" if is_set(self.configured_values(), "ipv6") else "0.0.0.0"
        return {ADDRPORT: f"{host}:{port}"}

    def configured_values(self) -> dict[str, ArgValue]:
        """ARGS by canonical name (without the defaults)."""
        rules = self.option_rules
        return {
            rules.canonical(k): v for k, v in self.args.items() if isinstance(k, str)
        }

    def commands(self, extra_args: list[str]) -> list[list[str]]:
        if not given_addrport(self.option_rules, extra_args):
            return super().commands(extra_args)
        # An address after ``--`` replaces the configured one (runserver takes one).
        options = self.options(extra_args)
        return [[*self.program_argv(), *options]]

    def listen_addresses(self, extra_args: Sequence[str] = ()) -> list[Address]:
        values = self.option_values()
        ipv6 = is_set(values, "ipv6")
        value = values.get(ADDRPORT)
        if given_addrport(self.option_rules, extra_args):  # it replaces ours
            value = next(w for w in reversed(extra_args) if not w.startswith("-"))
        if value is None:
            return [("::1", 8000) if ipv6 else self.default_address]
        found = addrport_address(str(value).strip(), ipv6)
        return [found] if found else []

    def check_config(self) -> list[CheckMessage]:
        return [
            *super().check_config(),
            *self.check_command_app(),
            *self.check_static_flags(),
            *self.check_published_keys(),
        ]

    def check_published_keys(self) -> list[CheckMessage]:
        """prodserver.W002 for the keys of 3.0's server that are left out."""
        rules = self.option_rules
        return [
            self.warning(
                check_ids.UNKNOWN_OPTION,
                f"ARGS key {key!r} was an option of django-prodserver 3.0's own "
                f"development server; {self.command} has no such option, so it is "
                "left out",
                did_you_mean(key.replace("_", "-"), rules.known, "Remove the key."),
            )
            for key in self.config.args
            if isinstance(key, str) and key.replace("_", "-") in self.own_args
        ]

    def check_command_app(self) -> list[CheckMessage]:
        """prodserver.E011: the app that provides the command is not installed."""
        if self.command_app is None or apps.is_installed(self.command_app):
            return []
        return [
            self.error(
                check_ids.APP_NOT_INSTALLED,
                f"{self.command} is a command of {self.command_app!r}, which is "
                "not in INSTALLED_APPS",
                f'Add "{self.command_app}" to INSTALLED_APPS (in the settings of '
                "your development environment).",
            )
        ]

    def check_static_flags(self) -> list[CheckMessage]:
        """prodserver.W002 for ``nostatic``/``insecure`` without staticfiles."""
        if self.static_flags_always or apps.is_installed(STATICFILES):
            return []
        return [
            self.warning(
                check_ids.UNKNOWN_OPTION,
                f"ARGS key {key!r} is an option of {self.command} only with "
                f"{STATICFILES!r} in INSTALLED_APPS; it is passed on as --{key}",
                f'Remove the key, or add "{STATICFILES}" to INSTALLED_APPS.',
            )
            for key in sorted(STATIC_FLAGS)
            if is_set(self.configured_values(), key)
        ]


def provider_of(command: str) -> str | None:
    """The installed app whose ``command`` Django runs (the first in
    ``INSTALLED_APPS`` that has one), or None for Django's own."""
    for config in apps.get_app_configs():
        path = os.path.join(config.path, "management", "commands", f"{command}.py")
        if os.path.isfile(path):
            return config.name
    return None
