"""The smoke set names real tests, and covers every family of backends."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from django_prodserver import backends
from django_prodserver.backends import ProcessBackend
from tests.smoke import SMOKE_IDS

#: Modules of ``backends`` that hold no program of their own: shared code (the
#: base classes among it), and the published 3.0.0 paths (aliases of the
#: modules that hold the programs).
NOT_PROGRAMS = {
    "base", "brokers", "celery_broker", "deprecated", "management", "process",
    "uwsgi_options", "web",
}  # fmt: skip
#: Backends whose smoke tests are in another module's tests.
TESTED_WITH = {"release": "lifecycle"}


def program_modules() -> set[str]:
    """The short names of the modules that define a backend class."""
    found = set()
    prefix = f"{backends.__name__}."
    for module_info in pkgutil.walk_packages(backends.__path__, prefix):
        short = module_info.name.removeprefix(prefix)
        if module_info.ispkg or short.split(".")[0] in {"servers", "workers"}:
            continue
        if short in NOT_PROGRAMS:
            continue
        module = importlib.import_module(module_info.name)
        if any(
            issubclass(value, ProcessBackend) and value.__module__ == module.__name__
            for value in vars(module).values()
            if inspect.isclass(value)
        ):
            found.add(short)
    return found


def test_every_smoke_id_is_a_collected_real_program_test(
    request: pytest.FixtureRequest,
) -> None:
    collected = {item.nodeid: item for item in request.session.items}
    if not collected.keys() >= SMOKE_IDS:
        pytest.skip("only a part of the suite was collected")
    for node in SMOKE_IDS:
        assert collected[node].get_closest_marker("integration"), node
        assert collected[node].get_closest_marker("smoke"), node


def test_every_backend_family_has_a_smoke_test() -> None:
    tested = {node.split("::")[0].removeprefix("tests/test_") for node in SMOKE_IDS}
    tested = {name.removesuffix(".py") for name in tested}
    modules = program_modules()
    families = {TESTED_WITH.get(m, m.split(".")[0]) for m in modules}
    assert len(modules) >= 18, modules
    assert families <= tested, families - tested
