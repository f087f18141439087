from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("slow/", views.slow, name="slow"),
    path("database/", views.database, name="database"),
    path("async/", views.async_index, name="async-index"),
    path("async/slow/", views.async_slow, name="async-slow"),
]
