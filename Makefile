# Development tasks. `make demo` and `make test` work on a fresh machine with
# Python 3.10+ (redis-server and PostgreSQL are needed by the Celery and lifecycle
# tests: `.ci/run` installs them). `make test` runs every tox environment, one
# after the other: lint, docs and one per Django line, each on its Python (3.10
# to 3.13; tox.ini, toxfile.py).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_VENV ?= .venv-demo
DEMO_DB ?= $(CURDIR)/tests/example/db.sqlite3
DEMO_PORT ?= 8000
DEMO_STAMP := $(DEMO_VENV)/.installed
TOX_ENVS ?= ALL
# TOX_PARALLEL=2: that many environments at a time (tox run-parallel), which
# shows an environment's output only when it fails.
TOX_PARALLEL ?=
ROUNDS ?= 5
BENCH_STAMP := $(VENV)/.bench-installed
# checkov, which reads the Kubernetes export as a cluster's policy would, in an
# environment of its own (its many pinned dependencies stay out of the tests').
CHECKOV_VENV ?= .venv-checkov
CHECKOV_VERSION ?= 3.3.30
CHECKOV := $(CHECKOV_VENV)/bin/checkov

.PHONY: install checkov demo demo-reset test engine lint docs bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[develop]"
	touch $(STAMP)

install: $(STAMP)

$(CHECKOV): $(STAMP)
	$(VENV)/bin/uv venv --quiet --python $(PYTHON) $(CHECKOV_VENV)
	$(VENV)/bin/uv pip install --quiet --python $(CHECKOV_VENV)/bin/python "checkov==$(CHECKOV_VERSION)"

checkov: $(CHECKOV)

# The demo's own virtualenv: only what it runs (gunicorn and django-tasks).
$(DEMO_STAMP): pyproject.toml
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet -e ".[gunicorn,django-tasks]"
	touch $(DEMO_STAMP)

# The example project's web server and django-tasks worker, side by side, on
# SQLite: open http://127.0.0.1:$(DEMO_PORT)/enqueue/ and then /records/;
# Ctrl-C stops both. `make demo-reset` starts the next run on a fresh database.
demo: $(DEMO_STAMP)
	cd tests/example && EXAMPLE_DB=$(DEMO_DB) ../../$(DEMO_VENV)/bin/python manage.py migrate --noinput --settings=mysite.settings_demo
	@echo "Open http://127.0.0.1:$(DEMO_PORT)/enqueue/ to enqueue a task, then http://127.0.0.1:$(DEMO_PORT)/records/ to see it done."
	cd tests/example && EXAMPLE_DB=$(DEMO_DB) DEMO_PORT=$(DEMO_PORT) ../../$(DEMO_VENV)/bin/python manage.py prodserver web tasks --settings=mysite.settings_demo

demo-reset:
	rm -f $(DEMO_DB)

# Every tox environment, then the container-engine stage (ENGINE=no leaves it
# out). When an environment fails, its failed tests are listed again at the very
# end (tests/failures.py), since a long log is read from its end.
ENGINE ?= yes
test: install checkov
	rm -f .tox/*/tmp/junit.xml
	$(VENV)/bin/tox $(if $(TOX_PARALLEL),run-parallel -p $(TOX_PARALLEL) --parallel-no-spinner,run) -e $(TOX_ENVS) \
		|| { $(PY) -m tests.failures .tox/*/tmp/junit.xml; exit 1; }
	$(if $(filter no,$(ENGINE)),,tests/engine/run.sh)

# The Docker and Swarm tests (tests/engine/), on an engine of their own that
# tests/engine/run.sh installs (as root, with apt-get) and starts; where it
# cannot, it says why on one line and the target succeeds.
engine: install
	tests/engine/run.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

docs: install
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[develop,bench]"
	touch $(BENCH_STAMP)

# Measures prodserver against the bare programs and the published 3.0.0 package
# (installed into bench/.work/ on first use), rewrites docs/benchmarks.md and its
# chart. Run it on a quiet machine; it is not part of `make test`.
bench: $(BENCH_STAMP)
	$(PY) -m bench --rounds $(ROUNDS)

clean:
	rm -rf $(VENV) $(DEMO_VENV) .tox docs/_build .pytest_cache .mypy_cache .ruff_cache
