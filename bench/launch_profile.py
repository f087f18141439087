"""What the launch path costs beyond ``django.setup()``.

Run as ``python -m bench.launch_profile``.

Prints the modules that ``manage.py prodserver gunicorn --dry-run`` imports and
the settings floor does not (``-X importtime`` self times), the modules that the
console script's dry run imports beyond a bare interpreter (all of its imports
are its cost: it runs no ``django.setup()``), then the functions of the command
and of prodserver that take the most time after Django is set up (cProfile).
"""

from __future__ import annotations

import pstats
import tempfile
from pathlib import Path

from .contenders import Command, Setup, prepare


def import_times(command: Command) -> dict[str, int]:
    """Module → self import time (µs) of one run of ``command``."""
    done = command.run("-X", "importtime")
    times: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|", 2)
        times[name.strip()] = int(self_us)
    return times


def fastest_import_times(command: Command, runs: int) -> dict[str, int]:
    """Each module's smallest self time over ``runs`` runs (less noise)."""
    times = [import_times(command) for _ in range(runs)]
    return {name: min(t.get(name, us) for t in times) for name, us in times[0].items()}


def extra_imports(setup: Setup, runs: int = 3) -> list[tuple[str, int]]:
    """Modules the dry run imports beyond the floor, the slowest first."""
    floor = import_times(setup.floor)
    dry_run = fastest_import_times(setup.dry_run, runs)
    extra = [(name, us) for name, us in dry_run.items() if name not in floor]
    return sorted(extra, key=lambda item: -item[1])


def script_imports(setup: Setup, runs: int = 3) -> list[tuple[str, int]]:
    """Modules the console script's dry run imports beyond ``python -c pass``,
    the slowest first. (Modules imported with ``importlib``, such as the settings
    and the backends, are not timed by ``-X importtime``; what they import is.)"""
    interpreter = Command(
        (setup.python, "-c", "pass"), setup.floor.env, setup.floor.cwd
    )
    bare = import_times(interpreter)
    script = setup.script_dry_run
    # The script's interpreter, with the options, then the script itself.
    python = Command((setup.python, *script.argv), script.env, script.cwd)
    found = fastest_import_times(python, runs)
    extra = [(name, us) for name, us in found.items() if name not in bare]
    return sorted(extra, key=lambda item: -item[1])


def hot_functions(setup: Setup, limit: int = 25) -> str:
    """cProfile of the dry run, restricted to the command and prodserver."""
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "dry-run.prof"
        done = setup.dry_run.run("-m", "cProfile", "-o", str(output))
        if done.returncode != 0:
            return done.stderr
        with tempfile.TemporaryFile("w+") as stream:
            profile = pstats.Stats(str(output), stream=stream)
            profile.sort_stats("cumulative").print_stats(
                r"django_prodserver|management/(__init__|base)", limit
            )
            stream.seek(0)
            return stream.read()


def main() -> None:
    setup = prepare(with_published=False)
    extra = extra_imports(setup)
    total = sum(us for _, us in extra) / 1000
    print(f"imports beyond django.setup(): {len(extra)} modules, {total:.1f} ms")
    for name, us in extra:
        print(f"  {us / 1000:6.2f} ms  {name}")
    script = script_imports(setup)
    total = sum(us for _, us in script) / 1000
    print(f"console script's imports: {len(script)} modules, {total:.1f} ms")
    for name, us in script[:25]:
        print(f"  {us / 1000:6.2f} ms  {name}")
    print(hot_functions(setup))


if __name__ == "__main__":
    main()
