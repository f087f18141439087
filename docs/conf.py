"""Sphinx configuration for the django-prodserver documentation."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

# Autodoc imports prodserver's modules, which need configured settings; the
# example project's would need every worker package installed.
settings.configure(INSTALLED_APPS=["django_prodserver"])
django.setup()

project = "django-prodserver"
author = "django-prodserver maintainers"
copyright = "2026, django-prodserver maintainers"

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.intersphinx"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
html_theme = "alabaster"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
intersphinx_mapping: dict[str, tuple[str, None]] = {}
nitpicky = False
