from django.apps import AppConfig


class ProdserverConfig(AppConfig):
    name = "django_prodserver"
    verbose_name = "Production processes"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
