"""Celery tasks (Celery's ``autodiscover_tasks()`` looks for ``tasks`` modules).

The task is bound to the project's app by importing it: whoever imports this
module to send a task gets the configured broker, without ``mysite/__init__.py``
importing Celery into every Django process.
"""

from mysite.celery import app

from .records import record


@app.task(name="jobs.tasks.record")
def record_celery(key: str, seconds: float = 0.0) -> int:
    return record("celery", key, seconds)
