"""A client that requests a page without pause until SIGTERM or its time limit,
then prints one JSON line: how many requests, how many failed (and the first
failures), and which hosts answered. It runs in a container of the stack's
network, and resolves the service's name before each request, as a proxy does:
a name with several addresses is tried address after address."""

from __future__ import annotations

import http.client
import json
import signal
import sys
import time


def main() -> int:
    host, port, path, limit = (
        sys.argv[1],
        int(sys.argv[2]),
        sys.argv[3],
        float(sys.argv[4]),
    )
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    count, failures, hosts = 0, [], {}
    deadline = time.monotonic() + limit
    while not stop and time.monotonic() < deadline:
        count += 1
        try:
            connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status != 200:
                failures.append(f"{response.status}: {body[:200]!r}")
            else:
                name = json.loads(body)["hostname"]
                hosts[name] = hosts.get(name, 0) + 1
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
    print(
        json.dumps(
            {
                "requests": count,
                "failed": len(failures),
                "failures": failures[:10],
                "hosts": hosts,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
