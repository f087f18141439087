# -- What the engine tests add: their pages under /engine/ -------------------------
from django.urls import include

urlpatterns += [path("engine/", include("enginecheck.urls"))]
