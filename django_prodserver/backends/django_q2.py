"""Django-Q2: ``python -m django qcluster``.

The cluster's size and broker come from ``Q_CLUSTER``; ARGS add ``verbosity``
and the cluster ``name``. qcluster's own ``--name`` sets ``Q_CLUSTER_NAME`` only
after Django-Q2 has read its configuration, so where processes fork (Linux)
the cluster keeps its default name; prodserver sets ``Q_CLUSTER_NAME`` in the
environment instead, which is what Django-Q2 reads. Django-Q2 then expects an
``ALT_CLUSTERS`` key in ``Q_CLUSTER`` (it fails at startup without one), which
the system check verifies.

Signals: TERM or INT to the main PID stop the cluster gracefully. A TERM sent to
its whole process group deadlocks it, and QUIT or HUP kill the main process and
orphan its workers: neither is ever forwarded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import check_ids
from ..config.options import ArgValue
from ..config.project_settings import settings
from .declare import INT_AND_TERM
from .management import ManagementCommandBackend, command_rules
from .stop import after_graceful_window, seconds_value

if TYPE_CHECKING:
    from django.core.checks import CheckMessage

NAME_KEYS = frozenset({"name", "cluster-name"})


def cluster_name(args: Mapping[Any, ArgValue]) -> str | None:
    """The cluster name that ARGS give, if any."""
    for key, value in args.items():
        if isinstance(key, str) and key.replace("_", "-") in NAME_KEYS | {"n"}:
            return None if value is None or isinstance(value, bool) else str(value)
    return None


def cluster_setting(name: str | None, key: str) -> str | None:
    """``Q_CLUSTER[key]``, or the value of cluster ``name``'s ``ALT_CLUSTERS``
    entry, as Django-Q2 reads it."""
    q_cluster = getattr(settings, "Q_CLUSTER", {})
    if not isinstance(q_cluster, Mapping):
        return None
    value = q_cluster.get(key)
    alternatives = q_cluster.get("ALT_CLUSTERS")
    own = {q_cluster.get("name"), q_cluster.get("cluster_name")}
    if name and name not in own and isinstance(alternatives, Mapping):
        alternative = alternatives.get(name)
        if isinstance(alternative, Mapping):
            value = alternative.get(key, value)
    return None if value is None else str(value)


class DjangoQ2Worker(ManagementCommandBackend):
    """``qcluster`` of Django-Q2, with the settings in use."""

    program = command = "qcluster"
    # Its clusters report to the broker, not here: its process is the sign,
    # unless setproctitle renames it "qcluster MainProcess NAME".
    probe_running = renames_itself = True
    module = "django_q"
    extra = "django-q2"
    own_args = NAME_KEYS | {"n"}
    option_rules = command_rules(flags="run-once")
    accepted_signals = INT_AND_TERM
    django_app = (
        "django_q",
        "Django-Q2's app",
        'Add "django_q" to INSTALLED_APPS, then migrate.',
    )

    def environment(self) -> dict[str, str]:
        name = cluster_name(self.config.args)
        return {"Q_CLUSTER_NAME": name} if name else {}

    def default_stop_timeout(self, argv: list[str]) -> float | None:
        """The cluster's ``timeout`` plus the margin: Django-Q2 ends a task that
        runs longer, stopping or not. Without one, no limit."""
        timeout = cluster_setting(self.cluster(), "timeout")
        return after_graceful_window(seconds_value(timeout))

    def cluster(self) -> str | None:
        """The cluster's name, from ARGS or ``Q_CLUSTER_NAME``."""
        return cluster_name(self.config.args) or self.environ.get("Q_CLUSTER_NAME")

    def check_config(self) -> list[CheckMessage]:
        return [*super().check_config(), *self.check_cluster_name()]

    def check_cluster_name(self) -> list[CheckMessage]:
        name = cluster_name(self.config.args)
        q_cluster = getattr(settings, "Q_CLUSTER", {})
        if not name or not isinstance(q_cluster, Mapping):
            return []
        default = {q_cluster.get("name"), q_cluster.get("cluster_name")}
        if name in default or "ALT_CLUSTERS" in q_cluster:
            return []
        return [
            self.error(
                check_ids.CLUSTER_NAME_NEEDS_ALT_CLUSTERS,
                f"cluster name {name!r} needs Q_CLUSTER['ALT_CLUSTERS']; without it "
                "Django-Q2 fails at startup",
                f'Add "ALT_CLUSTERS": {{{name!r}: {{}}}} to Q_CLUSTER '
                "(with the options that differ for this cluster).",
            )
        ]
