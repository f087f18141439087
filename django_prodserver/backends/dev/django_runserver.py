"""Django's development server: ``python -m django runserver [ADDRPORT]``.

ARGS take runserver's options: ``addrport`` (``"8000"``, ``"0.0.0.0:8000"``),
``ipv6``, ``noreload``, ``nothreading``, ``skip-checks``, and with
``django.contrib.staticfiles`` installed ``nostatic`` and ``insecure``.
Where an installed app replaces ``runserver`` (daphne, listed first, does),
that app's command runs.
"""

from __future__ import annotations

from .base import RunserverBackend


class DjangoRunserver(RunserverBackend):
    """``manage.py runserver``, reloading on code changes (see
    :mod:`django_prodserver.backends.dev.base` for how it stops)."""

    program = command = "runserver"
