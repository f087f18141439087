# -- What the engine tests add after the guide's lines ----------------------------
# A page that sleeps, orphans and a task (enginecheck), on SQLite in a directory
# the tests mount; a release step that migrates, and the django-tasks worker.
INSTALLED_APPS += ["enginecheck", "django_tasks", "django_tasks.backends.database"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
DATABASES["default"]["NAME"] = os.environ.get("ENGINE_DB", "/tmp/db.sqlite3")
PRODUCTION_PROCESSES = {
    "release": {
        "BACKEND": "django_prodserver.backends.release.Release",
        "BEFORE": ["migrate --noinput"],
    },
    "web": {
        **PRODUCTION_PROCESSES["web"],
        "REPLICAS": int(os.environ.get("ENGINE_WEB_REPLICAS", "1")),
    },
    "worker": {
        "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
        "ARGS": {"interval": 0.2},
    },
}
