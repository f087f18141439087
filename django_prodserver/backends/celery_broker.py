"""Where a Celery app's broker is, found without importing Celery or the app.

Celery takes the broker URL from, in this order: the ``CELERY_BROKER_URL``
environment variable (which its ``--broker`` option sets), the ``broker``
given to ``Celery(...)``, and the
configuration, which a Django project loads from its settings with
``app.config_from_object("django.conf:settings", namespace="CELERY")``: the
setting is then ``CELERY_BROKER_URL`` (the namespace, ``_``, ``BROKER_URL``).
The app's module is read as source, so that a simple one, as Celery's Django
guide writes it, gives its namespace and broker; anything else falls back to
the usual ``CELERY_`` namespace.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import NamedTuple

from ..config.project_settings import settings
from .programs import module_file

#: The namespace of Celery's Django guide.
DEFAULT_NAMESPACE = "CELERY"
#: Celery's broker when nothing configures one.
DEFAULT_BROKER = "amqp://guest@localhost:5672//"
#: The objects ``config_from_object`` may name for Django's settings.
DJANGO_SETTINGS = frozenset({"django.conf:settings", "django.conf.settings"})


class AppSource(NamedTuple):
    """What the app's module says about its configuration."""

    #: The settings namespace ("" for none); None if it does not read Django's
    #: settings as far as can be seen.
    namespace: str | None = DEFAULT_NAMESPACE
    #: The ``broker`` given to ``Celery(...)`` as a literal string.
    broker: str | None = None


def constant(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else ...


def called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def read_app_source(text: str) -> AppSource:
    """The namespace and broker that a Celery app module sets literally."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return AppSource()
    namespace: str | None = DEFAULT_NAMESPACE
    broker = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        keywords = {kw.arg: constant(kw.value) for kw in node.keywords if kw.arg}
        name = called_name(node)
        if name == "Celery" and isinstance(keywords.get("broker"), str):
            broker = str(keywords["broker"])
        elif name == "config_from_object" and node.args:
            if constant(node.args[0]) not in DJANGO_SETTINGS:
                namespace = None
            else:
                found = keywords.get("namespace")
                namespace = found if isinstance(found, str) else ""
    return AppSource(namespace, broker)


def app_source(app: str | None) -> AppSource:
    """What the module of ``APP`` (``mysite.celery.app``) says, if it can be read."""
    if not app:
        return AppSource()
    module = app.split(":", 1)[0] if ":" in app else app.rpartition(".")[0]
    # APP may name the module itself (``config.celery_app``), as ``-A`` allows.
    for candidate in dict.fromkeys((app, module)):
        path = module_file(candidate) if candidate else None
        if path and path.endswith(".py"):
            try:
                with open(path, encoding="utf-8") as source:
                    return read_app_source(source.read())
            except (OSError, UnicodeDecodeError):
                return AppSource()
    return AppSource()


def broker_url(app: str | None, environ: Mapping[str, str]) -> str | None:
    """The broker URL Celery will use for ``app``; None if it cannot be told."""
    if environ.get("CELERY_BROKER_URL"):
        return environ["CELERY_BROKER_URL"]
    source = app_source(app)
    if source.broker:
        return source.broker
    namespace = source.namespace
    if namespace is None:  # configured from elsewhere: the usual setting, if any
        namespace = DEFAULT_NAMESPACE
        fallback = None
    else:
        fallback = DEFAULT_BROKER
    names = [f"{namespace}_BROKER_URL"] if namespace else ["BROKER_URL", "broker_url"]
    for name in names:
        value = getattr(settings, name, None)
        if isinstance(value, str) and value:
            return value
    return fallback
