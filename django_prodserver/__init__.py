"""django-prodserver: one setting and one command for every production process."""

__version__ = "4.0.0.dev0"
