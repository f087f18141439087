"""Whether a project's ``manage.py`` only does what Django's own does.

An export starts each process with the ``prodserver`` console script, which
finds the project as ``manage.py`` does: the settings module, and the project
directory on ``sys.path``. A ``manage.py`` that does more (cookiecutter-django's
appends a directory of apps to ``sys.path``; others read a ``.env`` file) would
leave the script without it: such a project's exports keep
``python manage.py prodserver``.

Django's own is what ``startproject`` writes, in any of its versions: imports of
``os``, ``sys`` and Django, ``os.environ.setdefault(...)``,
``execute_from_command_line(sys.argv)``, a ``main()`` that holds them, and the
``try``/``except ImportError`` around the import of Django.
"""

from __future__ import annotations

import ast

#: The modules Django's own manage.py imports.
OWN_IMPORTS = frozenset({"os", "sys", "django", "django.core.management"})
#: The functions it calls, besides ``os.environ.setdefault``.
OWN_CALLS = frozenset({"execute_from_command_line", "main"})


def does_more(path: str) -> bool:
    """Whether the ``manage.py`` at ``path`` does more than Django's own (or
    cannot be read: then it may)."""
    try:
        with open(path, encoding="utf-8") as file:
            tree = ast.parse(file.read(), path)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return True
    return not all(is_own(statement) for statement in tree.body)


def is_own(node: ast.stmt) -> bool:
    """Whether one statement is one that Django's own manage.py has."""
    if isinstance(node, ast.Import):
        return all(alias.name in OWN_IMPORTS for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.module in OWN_IMPORTS and node.level == 0
    if isinstance(node, ast.Expr):
        return is_docstring(node.value) or is_own_call(node.value)
    if isinstance(node, ast.FunctionDef):
        return node.name == "main" and all(is_own(n) for n in node.body)
    if isinstance(node, ast.If):
        return not node.orelse and all(is_own(n) for n in node.body)
    if isinstance(node, ast.Try):
        handlers = all(
            all(isinstance(n, ast.Raise) or is_own(n) for n in handler.body)
            for handler in node.handlers
        )
        plain = not (node.orelse or node.finalbody)
        return handlers and plain and all(is_own(n) for n in node.body)
    return False


def is_docstring(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and isinstance(value.value, str)


def is_own_call(value: ast.expr) -> bool:
    """A call of ``os.environ.setdefault``, ``execute_from_command_line`` or
    ``main``."""
    if not isinstance(value, ast.Call):
        return False
    function = value.func
    if isinstance(function, ast.Attribute):
        return function.attr == "setdefault" and ast.unparse(function.value) in {
            "os.environ",
            "environ",
        }
    return isinstance(function, ast.Name) and function.id in OWN_CALLS
