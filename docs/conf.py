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

from django_prodserver import __version__  # noqa: E402

project = "django-prodserver"
author = "django-prodserver maintainers"
copyright = "2026, django-prodserver maintainers"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx_copybutton",
]
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_substitutions = {"release": release}
myst_heading_anchors = 3
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]

html_theme = "furo"
html_title = f"django-prodserver {release}"
html_static_path = ["_static"]
html_css_files = ["prodserver.css"]
html_js_files = ["prodserver.js"]

# The copy button copies the commands of a console block, without the `$ `
# prompt (or the shell's `> ` continuation prompt) and without the output lines;
# a line that ends with a backslash takes the next one along.
copybutton_prompt_text = r"\$ |> "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_line_continuation_character = "\\"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
intersphinx_mapping: dict[str, tuple[str, None]] = {}
nitpicky = False
