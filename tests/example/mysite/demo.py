"""Views of ``make demo``: the web process enqueues a task, the worker runs it."""

from django.http import HttpRequest, JsonResponse
from jobs.db_tasks import record_task
from jobs.models import Record


def enqueue(request: HttpRequest) -> JsonResponse:
    """Enqueue one task and say which; ``/records/`` shows when it has run."""
    result = record_task.enqueue(request.GET.get("key", "demo"))
    return JsonResponse({"task": str(result.id), "status": str(result.status)})


def records(request: HttpRequest) -> JsonResponse:
    """The last tasks the worker ran, newest first."""
    rows = Record.objects.order_by("-id")[:10]
    return JsonResponse(
        {
            "records": [
                {
                    "key": row.key,
                    "worker_pid": row.pid,
                    "finished": row.finished_at is not None,
                }
                for row in rows
            ]
        }
    )
