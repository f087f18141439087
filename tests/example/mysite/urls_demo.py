"""URLs of ``make demo``: the example project's, plus a task to enqueue."""

from django.urls import path

from . import demo
from .urls import urlpatterns as example_urlpatterns

urlpatterns = [
    *example_urlpatterns,
    path("enqueue/", demo.enqueue, name="demo-enqueue"),
    path("records/", demo.records, name="demo-records"),
]
