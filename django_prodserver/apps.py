from django.apps import AppConfig


class ProdserverConfig(AppConfig):
    name = "django_prodserver"
    verbose_name = "Production processes"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)


class ProdserverAppConfig(ProdserverConfig):
    """django-prodserver 3.0's name of the app's configuration, for projects that
    list ``"django_prodserver.apps.ProdserverAppConfig"`` in ``INSTALLED_APPS``."""

    default = False
