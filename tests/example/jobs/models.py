"""What the tasks leave behind, so that the tests can see them run."""

from django.db import models


class Record(models.Model):
    """One run of a task: written when it starts, finished when it ends."""

    key = models.CharField(max_length=100)
    runner = models.CharField(max_length=20)
    pid = models.IntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.runner}:{self.key}"
