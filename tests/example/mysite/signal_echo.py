"""A program for the supervisor tests: it reports every signal it receives.

``python -m mysite.signal_echo [options]`` prints ``ready <pid>``, then
``got SIGxxx`` for each signal it gets, and exits 0 on its stop signal. Options
make it misbehave the ways real programs do:

--stop-on=SIG       the signal that ends it (default SIGTERM)
--ignore=SIG        ignore a signal entirely (repeatable)
--reraise           on the stop signal, die of it (as uvicorn does)
--stop-delay=S      take S seconds to stop
--exit-code=N       exit with N right after ``ready``
--fail-first=N      exit with 3 right after ``ready`` the first N times it runs
--counter=PATH      the file that counts its runs for --fail-first (each run
                    is counted before its ``ready``)
--environ=NAME      print ``NAME=value`` (or ``NAME unset``) after ``ready``
--die-by=SIG        kill itself with SIG right after ``ready``
--fork-and-exit     leave a sleeping child holding stdout, then exit 0
--lines=N           write N numbered lines as fast as it can, then exit 0
--noisy             write lines on stdout and stderr, a partial line and bad UTF-8
--twin              fork a twin in the same process group; it reports the
                    signals it gets as ``twin got SIGxxx``
--tag=TEXT          ignored: marks the command line of one test's processes
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

HANDLED = (
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2",
    "SIGTTIN", "SIGTTOU", "SIGWINCH",
)  # fmt: skip


WHO = {"name": ""}


def say(text: str) -> None:
    os.write(1, f"{WHO['name']}{text}\n".encode())


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="signal_echo")
    parser.add_argument("--stop-on", default="SIGTERM")
    parser.add_argument("--ignore", action="append", default=[])
    parser.add_argument("--reraise", action="store_true")
    parser.add_argument("--stop-delay", type=float, default=0.0)
    parser.add_argument("--exit-code", type=int)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--counter")
    parser.add_argument("--environ", action="append", default=[])
    parser.add_argument("--die-by")
    parser.add_argument("--fork-and-exit", action="store_true")
    parser.add_argument("--noisy", action="store_true")
    parser.add_argument("--lines", type=int)
    parser.add_argument("--twin", action="store_true")
    parser.add_argument("--tag")
    return parser.parse_args(argv)


def count_run(path: str) -> int:
    """Count this run in the file at ``path``: which run it is, from 1."""
    try:
        with open(path) as file:
            runs = int(file.read() or 0) + 1
    except FileNotFoundError:
        runs = 1
    with open(path, "w") as file:
        file.write(str(runs))
    return runs


def main(argv: list[str]) -> int:
    options = parse(argv)
    stop_on = signal.Signals[options.stop_on]

    def handler(number: int, frame: object) -> None:
        sig = signal.Signals(number)
        say(f"got {sig.name}")
        if sig != stop_on:
            return
        time.sleep(options.stop_delay)
        if options.reraise:
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        say("stopped")
        os._exit(0)

    for name in HANDLED:
        sig = signal.Signals[name]
        ignored = name in options.ignore
        signal.signal(sig, signal.SIG_IGN if ignored else handler)
    # The run is counted before ``ready``: a test that has seen the line reads
    # the count this run wrote, however little CPU the program got since.
    failing = bool(options.fail_first) and (
        count_run(options.counter) <= options.fail_first
    )
    if options.twin and os.fork() == 0:
        WHO["name"] = "twin "
    say(f"ready {os.getpid()}")
    for name in options.environ:
        value = os.environ.get(name)
        say(f"{name} unset" if value is None else f"{name}={value}")
    if failing:
        return 3
    if options.noisy:
        os.write(2, b"to stderr\n")
        os.write(1, b"bad \xff\xfe utf-8\n")
        os.write(1, b"no newline at the end")
        return 0
    if options.lines is not None:
        with os.fdopen(1, "w", buffering=1 << 16) as out:
            out.writelines(f"line {number}\n" for number in range(options.lines))
        return 0
    if options.exit_code is not None:
        return options.exit_code
    if options.die_by:
        sig = signal.Signals[options.die_by]
        if sig != signal.SIGKILL:  # which has no handler to reset
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    if options.fork_and_exit:
        if os.fork() == 0:
            say(f"helper {os.getpid()}")
            time.sleep(60)
            os._exit(0)
        time.sleep(0.2)
        return 0
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
