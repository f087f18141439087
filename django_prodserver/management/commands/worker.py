"""``manage.py worker [NAME]``: django-prodserver 3.0's command for workers
(deprecated: use ``prodserver``)."""

from ...backends.base import WorkerBackend
from ..aliases import KindCommand


class Command(KindCommand):
    help = "Deprecated: start a worker of PRODUCTION_PROCESSES; use prodserver."
    kind = "worker"
    backend_class = WorkerBackend
