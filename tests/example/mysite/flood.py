"""A program for the output tests and the benchmark: numbered lines, fast.

``python -m mysite.flood --name=NAME [options]`` writes lines ``NAME N xxx…`` (N from
0, each line ``--size`` bytes with its newline) to stdout in large writes, then
``NAME done``, then waits for SIGTERM, on which it writes ``NAME stopping`` and
exits 0. While a write waits for the reader, SIGTERM waits with it (the stop is
graceful only once the line is through), as in a program that logs its stop.

--name=NAME     the name that starts each line (default: flood)
--lines=N       how many numbered lines (default 100000)
--forever       write numbered lines until SIGTERM instead
--size=B        bytes per line, newline included (default 100)
--long=B        first write one line of B bytes (``NAME long xxx…``) without
                a newline for its first B - 1 bytes, then its newline
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import time

#: Lines per write: about 200 KB at the default size.
BATCH = 2000


def write(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]


def main() -> None:
    parser = argparse.ArgumentParser(prog="flood")
    parser.add_argument("--name", default="flood")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--forever", action="store_true")
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--long", type=int, default=0)
    args = parser.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.append(signum))
    if args.long:
        head = f"{args.name} long ".encode()
        write(head + b"x" * (args.long - len(head) - 1))
        write(b"\n")
    numbers = itertools.count() if args.forever else iter(range(args.lines))
    while not stop:
        batch = list(itertools.islice(numbers, BATCH))
        if not batch:
            break
        lines = (f"{args.name} {n} ".ljust(args.size - 1, "x") for n in batch)
        write(("\n".join(lines) + "\n").encode())
    write(f"{args.name} done\n".encode())
    while not stop:
        time.sleep(0.05)
    write(f"{args.name} stopping\n".encode())


if __name__ == "__main__":
    main()
