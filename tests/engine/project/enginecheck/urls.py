from django.urls import path

from . import views

urlpatterns = [
    path("", views.index),
    path("slow/", views.slow),
    path("orphans/", views.orphans),
    path("enqueue/", views.enqueue),
]
