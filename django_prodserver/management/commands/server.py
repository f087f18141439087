"""``manage.py server [NAME]``: django-prodserver 3.0's command for web servers
(deprecated: use ``prodserver``)."""

from ...backends.base import WebServerBackend
from ..aliases import KindCommand


class Command(KindCommand):
    help = "Deprecated: start a web server of PRODUCTION_PROCESSES; use prodserver."
    kind = "server"
    backend_class = WebServerBackend
