"""The task framework under the django-tasks worker tests: Django's own
``django.tasks`` from Django 6 on, the ``django_tasks`` backport before it.

On Django 6 the example project must pick django-tasks-db, whose backend and
``db_worker`` run on ``django.tasks``; so the worker tests of that environment
exercise Django's framework, not the backport that may be installed beside it.
"""

from __future__ import annotations

import django
import pytest
from django.conf import settings

DJANGO_6 = django.VERSION >= (6, 0)


@pytest.mark.skipif(not DJANGO_6, reason="django.tasks is new in Django 6.0")
def test_django_6_runs_the_example_tasks_on_django_tasks() -> None:
    from django.tasks import Task, task_backends
    from django.tasks.backends.base import BaseTaskBackend
    from jobs.db_tasks import record_task

    assert "django_tasks_db" in settings.INSTALLED_APPS
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert isinstance(record_task, Task)
    assert isinstance(task_backends["default"], BaseTaskBackend)
    assert type(task_backends["default"]).__module__.startswith("django_tasks_db")


@pytest.mark.skipif(DJANGO_6, reason="Django 6 has django.tasks")
def test_older_django_runs_the_example_tasks_on_the_backport() -> None:
    from django_tasks import task_backends
    from django_tasks.backends.base import BaseTaskBackend
    from django_tasks.base import Task
    from jobs.db_tasks import record_task

    assert isinstance(record_task, Task)
    assert isinstance(task_backends["default"], BaseTaskBackend)
    assert "Database" in type(task_backends["default"]).__name__
