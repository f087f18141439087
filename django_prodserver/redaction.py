"""Secrets out of what prodserver prints: ``***`` in their place.

What is printed (``--dry-run``, ``--list``, check and error messages) shows
where a secret goes, never the secret:

- the password of a URL's userinfo, ``scheme://user:password@host`` (anywhere in
  a printed text: an option value, a ``WAIT_FOR`` target, a message);
- the value of an option whose name holds ``password``, ``passwd``, ``secret``,
  ``token``, ``auth`` or ``credential`` (Flower's ``--basic-auth``,
  ``--redis-password``), written ``--name=value`` or ``--name value``;
- the value of an environment variable whose name holds ``PASSWORD``,
  ``PASSWD``, ``SECRET``, ``TOKEN``, ``KEY``, ``AUTH`` or ``CREDENTIAL``.

The program itself gets every value as written: only the printed forms change.
This module imports nothing: the plans use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

#: What a secret is printed as.
MASK = "***"
#: Words of an option name whose value is a secret.
SECRET_OPTION_WORDS = ("password", "passwd", "secret", "token", "auth", "credential")
#: Words of an environment variable name whose value is a secret.
SECRET_VARIABLE_WORDS = (
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "AUTH",
    "CREDENTIAL",
)
#: ``scheme://user:password@``: the password runs to the last ``@`` of the word
#: (an unencoded ``@`` or ``/`` in it still leaves none of it shown).
URL_PASSWORD = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"]*:)[^\s'\"]*@"
)


def redact_text(text: str) -> str:
    """``text`` with the password of every URL in it masked."""
    if "://" not in text:
        return text
    return URL_PASSWORD.sub(lambda match: f"{match['head']}{MASK}@", text)


def is_secret_option(word: str) -> bool:
    """Whether an option (``--basic-auth``, ``--redis_password``) carries a secret."""
    name = word.lstrip("-").lower()
    return any(secret in name for secret in SECRET_OPTION_WORDS)


def is_secret_variable(name: str) -> bool:
    upper = name.upper()
    return any(secret in upper for secret in SECRET_VARIABLE_WORDS)


def redact_argv(argv: Sequence[str]) -> list[str]:
    """The words of a command line as they may be printed."""
    shown: list[str] = []
    secret_next = False
    for word in argv:
        if secret_next and not word.startswith("-"):
            shown.append(MASK)
            secret_next = False
            continue
        secret_next = False
        name, equals, _ = word.partition("=")
        if word.startswith("--") and is_secret_option(name):
            if equals:
                shown.append(f"{name}={MASK}")
                continue
            secret_next = True
        shown.append(redact_text(word))
    return shown


def redact_env(env: Mapping[str, str]) -> dict[str, str]:
    """Environment variables as they may be printed."""
    return {
        key: MASK if is_secret_variable(key) else redact_text(value)
        for key, value in env.items()
    }
