"""``BACKEND``: the class it names must import and be a backend that names its
program."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

from .. import check_ids
from ..backends.base import ProcessBackend, is_abstract
from ..backends.deprecated import replacement
from ..config.entry import EXAMPLE_BACKEND
from ..config.messages import error, warning
from ..text import brief, closest, cut

if TYPE_CHECKING:
    from django.core.checks import CheckMessage


def import_backend(
    label: str, path: object
) -> tuple[type[ProcessBackend] | None, list[CheckMessage]]:
    """The backend class that ``BACKEND`` names, or the E004/E005 error."""
    if not isinstance(path, str) or not path:
        hint = f'Use a path such as "{EXAMPLE_BACKEND}".'
        if isinstance(path, type):
            hint = f'Write the class as its import path: "{dotted_name(path)}".'
        message = f"{label}['BACKEND'] must be a dotted import path string, not "
        return None, [
            error(check_ids.BACKEND_NOT_IMPORTABLE, message + brief(path), hint)
        ]
    try:
        backend = import_string(path)
    except SystemExit as exc:  # the module's code ended the process: its failure
        return None, [
            error(
                check_ids.BACKEND_FAILED,
                f"{label}: BACKEND {brief(path)} failed while being imported "
                f"(SystemExit: {exc})",
                "Fix the backend's module: importing it must not exit.",
            )
        ]
    except Exception as exc:  # importing user code may raise anything
        reason = str(exc)
        if not isinstance(exc, ImportError):
            reason = f"{type(exc).__name__}: {reason}"
        return None, [
            error(
                check_ids.BACKEND_NOT_IMPORTABLE,
                f"Cannot import BACKEND {brief(path)} of {label}: {cut(reason)}",
                suggest_backend(path)
                or "Check the path; prodserver's backends are listed in the "
                "backend reference.",
            )
        ]
    problem = backend_class_problem(backend)
    if problem:
        return None, [
            error(
                check_ids.NOT_A_BACKEND,
                f"{label}: BACKEND {brief(path)} {problem}",
                "Point BACKEND at a subclass of "
                "django_prodserver.backends.ProcessBackend that names its program.",
            )
        ]
    return backend, []


def dotted_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def backend_class_problem(backend: object) -> str:
    """Why ``backend`` cannot be a backend, or "" if it can."""
    if not isinstance(backend, type):
        return f"is a {type(backend).__name__}, not a backend class"
    if not issubclass(backend, ProcessBackend):
        return f"is the class {dotted_name(backend)}, not a prodserver backend"
    if is_abstract(backend) and hasattr(backend, "start_server"):
        return (
            "is written for django-prodserver 3.0, which ran the program inside "
            "Django's process (start_server()); it must now build the program's "
            "command line (see 'Upgrading from 3.0' in the documentation)"
        )
    if is_abstract(backend):
        return (
            "names no program and does not define build_argv(): it is a base "
            "class to subclass"
        )
    return ""


def suggest_backend(path: str) -> str:
    """ "Did you mean" a backend class of the same module, when the module imports."""
    module_path, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_path)
    except (Exception, SystemExit):  # the module is the problem: nothing to suggest
        return ""
    classes = [
        name
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, ProcessBackend)
        and not backend_class_problem(value)
    ]
    match = closest(attr, classes)
    return f"Did you mean '{module_path}.{match}'?" if match else ""


def check_deprecated_path(label: str, path: str) -> list[CheckMessage]:
    """prodserver.W007: a ``BACKEND`` path of django-prodserver 3.0."""
    new_path = replacement(path)
    if not new_path:
        return []
    return [
        warning(
            check_ids.DEPRECATED_BACKEND_PATH,
            f"{label}['BACKEND'] {path!r} is a path of "
            "django-prodserver 3.0; it runs the same backend",
            f'Write "BACKEND": "{new_path}".',
        )
    ]
