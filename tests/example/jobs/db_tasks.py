"""A django-tasks task, run by ``db_worker``.

Django 6 has ``django.tasks``; older Djangos use the ``django_tasks`` backport.
Either way the database backend stores the task and ``db_worker`` runs it.
"""

try:
    from django.tasks import task  # Django >= 6.0
except ImportError:
    from django_tasks import task

from .records import record


@task()
def record_task(key: str, seconds: float = 0.0) -> int:
    return record("django-tasks", key, seconds)
