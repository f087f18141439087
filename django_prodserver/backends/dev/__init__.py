"""Development servers: Django's ``runserver``, daphne's, and django-extensions'
``runserver_plus``, each reloading on code changes.

They serve one developer, not production traffic: use them in the settings of a
development environment, beside the workers, so that one command starts the
whole stack (``prodserver --all --settings=mysite.settings_dev``).
"""
