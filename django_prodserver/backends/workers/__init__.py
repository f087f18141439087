"""The worker backends under their django-prodserver 3.0 paths (deprecated: see
:mod:`django_prodserver.backends.deprecated`)."""
