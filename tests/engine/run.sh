#!/usr/bin/env bash
# The container-engine stage (`make engine`): the Docker and Swarm tests of
# tests/engine/ against a Docker engine of their own. This script installs the
# engine when it is missing (as root, with apt-get), starts dockerd with its own
# data root, socket and pid file under a temporary directory, imports the base
# image (a Debian rootfs made by debootstrap, cached between runs, since no
# image registry need be reachable), builds a wheelhouse of the project for the
# images (containers do not reach PyPI), runs pytest on tests/engine, removes
# what the tests created and stops the engine it started.
#
# Where the engine cannot run (not root, no apt-get), it says so on one line
# and exits 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)

PY=${PY:-.venv/bin/python}
CACHE=${PRODSERVER_ENGINE_CACHE:-/var/cache/prodserver-engine}
BASE_IMAGE=prodserver-test/python:bookworm
ROOTFS_TAR=$CACHE/bookworm-python3.tar
SUITE=bookworm

skip() {
    echo "engine stage skipped: $*"
    exit 0
}
say() { echo "engine: $*"; }

[ "$(uname -s)" = Linux ] || skip "a Docker engine runs on Linux only"
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null \
    || ! command -v docker-compose >/dev/null; then
    [ "$(id -u)" = 0 ] || skip "docker.io, debootstrap and docker-compose are missing, and installing them needs root"
    command -v apt-get >/dev/null || skip "docker.io, debootstrap and docker-compose are missing, and there is no apt-get to install them"
    say "installing docker.io, debootstrap and docker-compose"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        docker.io debootstrap docker-compose >/dev/null
fi
[ "$(id -u)" = 0 ] || skip "dockerd needs root, and this run is user $(id -un)"

# The client of the engine's own package: another docker on PATH may be of a
# different version.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)
export DOCKER

RUN_DIR=$(mktemp -d /tmp/prodserver-engine.XXXXXX)
export DOCKER_HOST=unix://$RUN_DIR/docker.sock
dockerd_pid=""

# Leaves no container, service, stack, network or image of the tests, and stops
# the engine this run started (its data root goes with the temporary directory).
cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ -n "$dockerd_pid" ]; then
        "$PY" -m tests.engine.sweep || status=1
        kill -TERM "$dockerd_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$dockerd_pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$dockerd_pid" 2>/dev/null; then
            say "dockerd did not stop within 20 s; killing it"
            kill -KILL "$dockerd_pid" 2>/dev/null || true
        fi
    fi
    # The engine's mounts must be gone before its files can be removed.
    grep -o " $RUN_DIR[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$RUN_DIR"
    say "stage took $(($(date +%s) - started)) s"
    exit "$status"
}
trap cleanup EXIT
trap 'say "failed: line $LINENO of $0 exited $?"' ERR
trap 'exit 130' INT TERM

say "starting dockerd (data root $RUN_DIR/data)"
dockerd --data-root "$RUN_DIR/data" --exec-root "$RUN_DIR/exec" \
    --pidfile "$RUN_DIR/docker.pid" --host "$DOCKER_HOST" \
    >"$RUN_DIR/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 150); do
    if "$DOCKER" info >/dev/null 2>&1; then break; fi
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
        tail -n 20 "$RUN_DIR/dockerd.log"
        dockerd_pid=""
        say "dockerd exited before it answered"
        exit 1
    fi
    sleep 0.2
done
if ! "$DOCKER" info >/dev/null 2>&1; then
    tail -n 20 "$RUN_DIR/dockerd.log"
    say "dockerd did not answer within 30 s"
    exit 1
fi
"$DOCKER" version --format 'engine: docker {{.Server.Version}}, client {{.Client.Version}}'

# The Debian mirror that apt already uses (no image registry is needed).
debian_mirror() {
    {
        grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
        grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}'
    } | grep -v -- '-security' | head -n 1 || true
}

if [ ! -s "$ROOTFS_TAR" ]; then
    mirror=$(debian_mirror)
    mirror=${mirror:-http://deb.debian.org/debian}
    say "building the base image's rootfs with debootstrap from $mirror"
    mkdir -p "$CACHE"
    rootfs=$RUN_DIR/rootfs
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        "$SUITE" "$rootfs" "$mirror" >"$RUN_DIR/debootstrap.log" 2>&1 \
        || { tail -n 20 "$RUN_DIR/debootstrap.log"; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$ROOTFS_TAR.part" .
    mv "$ROOTFS_TAR.part" "$ROOTFS_TAR"
    rm -rf "$rootfs"
fi
say "importing the base image from $ROOTFS_TAR"
"$DOCKER" import --message "debootstrap $SUITE minbase + python3" \
    "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null
export PRODSERVER_ENGINE_BASE_IMAGE=$BASE_IMAGE

# The images install from this wheelhouse (the project's requirements.txt of
# tests/engine/project/): its wheels are those of the Python of the base image.
WHEELS=$RUN_DIR/wheels
image_python=$("$DOCKER" run --rm "$BASE_IMAGE" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
host_python=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$image_python" != "$host_python" ]; then
    say "the base image has Python $image_python and $PY is $host_python: the wheels would not fit"
    exit 1
fi
say "building the wheelhouse"
"$PY" -m pip wheel --quiet --wheel-dir "$WHEELS" ".[gunicorn,django-tasks]" whitenoise
export PRODSERVER_ENGINE_WHEELS=$WHEELS

# One test at a time, whatever addopts the other runs use (a swarm and the
# published ports are the engine's, not a test's).
PRODSERVER_ENGINE=1 "$PY" -m pytest tests/engine -m engine -p no:cacheprovider \
    --durations=15 -o addopts="-ra --strict-markers" "$@"
