"""The package's shape: a one-way pipeline, and a supervisor without Django.

settings → checks (``validation``) → plans (``resolver``) → exec or supervise.
Read from the source (every ``import``, those inside functions included), so a
lazy import cannot hide a step that goes back.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "django_prodserver"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


@cache
def imports_of(name: str) -> frozenset[str]:
    """Every module that ``name``'s source imports (absolute names)."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
            prefix = ".".join([*base, node.module] if node.module else base)
            if not node.level:
                prefix = node.module or ""
            found.add(prefix)
            # ``from . import x`` imports the module x when there is one.
            found |= {
                f"{prefix}.{alias.name}"
                for alias in node.names
                if f"{prefix}.{alias.name}" in modules()
            }
    return frozenset(found)


def internal_imports(name: str) -> set[str]:
    return {m for m in imports_of(name) if m in modules() and m != name}


def reachable(name: str) -> set[str]:
    """Every module that importing ``name`` may import, through the package."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        for module in internal_imports(current):
            # Importing a.b.c imports the packages a and a.b too (but a
            # package's own modules are already inside it).
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                parent = ".".join(parts[:i])
                inside = f"{current}.".startswith(f"{parent}.")
                if parent in modules() and parent not in seen and not inside:
                    seen.add(parent)
                    todo.append(parent)
    return seen


def test_the_source_is_read() -> None:
    assert "django_prodserver.validation.entries" in modules()
    assert "django_prodserver.backends.base" in internal_imports(
        "django_prodserver.validation.entries"
    )


def test_checks_come_before_plans() -> None:
    found = reachable("django_prodserver.validation.entries")
    assert "django_prodserver.launch.resolver" not in found
    assert "django_prodserver.launch.plan" not in found


@pytest.mark.parametrize(
    "name",
    [
        "django_prodserver.launch.supervisor",
        "django_prodserver.launch.supervision",
        "django_prodserver.launch.child",
        "django_prodserver.launch.payload",
        "django_prodserver.launch.wakeup",
        "django_prodserver.launch.relay",
        "django_prodserver.launch.printer",
        "django_prodserver.launch.output",
        "django_prodserver.launch.writing",
        "django_prodserver.launch.policy",
        "django_prodserver.launch.plan",
    ],
)
def test_the_supervisor_side_imports_no_django(name: str) -> None:
    everything = {name, *reachable(name)}
    django = {
        f"{module} imports {imported}"
        for module in everything
        for imported in imports_of(module)
        if imported.split(".")[0] == "django"
    }
    assert not django


def test_the_watchdog_holds_only_the_interpreter() -> None:
    """It is forked before the supervisor loads anything, and keeps what it
    imports: ``os`` and ``time``, nothing of the package."""
    watchdog = "django_prodserver.launch.watchdog"
    assert imports_of(watchdog) == {"__future__", "os", "time"}
    entry = "django_prodserver.launch.supervisor"
    top_level = {
        node.module
        for node in ast.parse(modules()[entry].read_text()).body
        if isinstance(node, ast.ImportFrom)
    }
    assert top_level == {"__future__", "watchdog"}


def test_no_import_cycle() -> None:
    cycles = [name for name in modules() if name in reachable(name)]
    assert not cycles


#: The stages, each a subpackage, in the order the data flows through them: a
#: module may import its own stage, the ones before it and the shared modules
#: at the top of the package, never a later stage.
STAGES = ("config", "backends", "before", "validation", "launch", "export", "command")
#: Top-level modules every stage may use; they import no stage themselves.
SHARED = ("check_ids", "conf", "exceptions", "redaction", "signals", "text")


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_the_top_level_is_a_few_shared_modules() -> None:
    top = {name.split(".")[1] for name in modules() if name.count(".") == 1}
    wiring = {"__main__", "apps", "checks", "management", "waitress_serve"}
    assert top == {*STAGES, *SHARED, *wiring}


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_stage_imports_a_later_one(name: str) -> None:
    stage = stage_of(name)
    top = name.split(".")[1] if name.count(".") else None
    if stage is None and top not in SHARED:
        return  # the app's wiring (apps, checks, management) may use any stage
    limit = STAGES.index(stage) if stage else -1
    later = {
        imported
        for imported in internal_imports(name)
        if (other := stage_of(imported)) and STAGES.index(other) > limit
    }
    assert not later
