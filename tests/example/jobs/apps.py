from importlib import import_module

from django.apps import AppConfig, apps


class JobsConfig(AppConfig):
    name = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Huey's consumer imports the apps' ``tasks`` modules only (here Celery's):
        # register the Huey task wherever Huey's Django app is installed.
        if apps.is_installed("huey.contrib.djhuey"):
            import_module("jobs.huey_tasks")
