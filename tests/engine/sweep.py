"""Remove whatever the engine tests left in the engine: stacks, containers,
networks, volumes and images (the base image stays), and leave the swarm.

The fixtures remove what they create; run.sh runs this last, for a run that
was interrupted, and it prints what it had to remove.
"""

from __future__ import annotations

import sys

from .docker import LABEL, docker

#: The name of every compose project and stack the tests start begins so.
PREFIX = "prodserver-test"
COMPOSE_PROJECT = "com.docker.compose.project"


def names(*args: str) -> list[str]:
    return docker(*args, check=False).stdout.split()


def ours(kind: str, name: str) -> bool:
    """Whether the object is labelled by the tests, or named by their prefix."""
    template = (
        "{{.Name}} {{json .Labels}}"
        if kind != "container"
        else "{{.Name}} {{json .Config.Labels}}"
    )
    seen = docker(kind, "inspect", "--format", template, name, check=False).stdout
    return LABEL.split("=")[0] in seen or PREFIX in seen


def sweep() -> list[str]:
    removed: list[str] = []
    for stack in names("stack", "ls", "--format", "{{.Name}}"):
        if stack.startswith(PREFIX):
            docker("stack", "rm", stack, check=False)
            removed.append(f"stack {stack}")
    for kind, listing in (
        ("container", ("ps", "--all", "--quiet")),
        ("network", ("network", "ls", "--quiet")),
        ("volume", ("volume", "ls", "--quiet")),
    ):
        found = [name for name in names(*listing) if ours(kind, name)]
        if found:
            docker(kind, "rm", "--force", *found, check=False)
        removed += [f"{kind} {name}" for name in found]
    images = names("image", "ls", "--quiet", "--filter", f"label={LABEL}")
    if images:
        docker("image", "rm", "--force", *images, check=False)
    removed += [f"image {image}" for image in images]
    state = docker("info", "--format", "{{.Swarm.LocalNodeState}}", check=False)
    if state.stdout.strip() == "active":
        docker("swarm", "leave", "--force", check=False)
        removed.append("the swarm")
    return removed


def main() -> int:
    removed = sweep()
    if removed:
        print(f"engine: removed what the tests left behind: {', '.join(removed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
