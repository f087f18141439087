# Development tasks. `make demo` and `make test` work on a fresh machine with
# Python 3.10+ (redis-server and PostgreSQL are needed by the Celery and lifecycle
# tests: `.ci/run` installs them).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/tests/example/db.sqlite3
TOX_ENVS ?= lint,docs,django52,django42
ROUNDS ?= 5
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: install demo test lint docs bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The example project's web server and django-tasks worker, side by side, on
# SQLite: open http://127.0.0.1:8000/enqueue/ and then /records/; Ctrl-C stops both.
demo: install
	cd tests/example && EXAMPLE_DB=$(DEMO_DB) ../../$(PY) manage.py migrate --noinput --settings=mysite.settings_demo
	cd tests/example && EXAMPLE_DB=$(DEMO_DB) ../../$(PY) manage.py prodserver web tasks --settings=mysite.settings_demo

test: install
	$(VENV)/bin/tox run -e $(TOX_ENVS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

docs: install
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $(BENCH_STAMP)

# Benchmarks: measures ours against the bare programs and the published
# package (installed into bench/.work/ on first use), rewrites docs/benchmarks.md
# and its chart. Run it on a quiet machine; it is not part of `make test`.
bench: $(BENCH_STAMP)
	$(PY) -m bench --rounds $(ROUNDS)

clean:
	rm -rf $(VENV) .tox docs/_build .pytest_cache .mypy_cache .ruff_cache
