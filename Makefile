# Innovation Hub — `make run` starts the hub with demo data; `make test` runs every test.
# Each step only runs again when what it depends on has changed.

SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
FRONTEND_SOURCES := $(wildcard frontend/src/*) frontend/build.mjs

export HF_HUB_OFFLINE := 1

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMPS):
	@mkdir -p $(STAMPS)

$(STAMPS)/python: requirements.lock | $(STAMPS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "). Set PYTHON=/path/to/python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(STAMPS)/npm: frontend/package.json frontend/package-lock.json | $(STAMPS)
	@command -v npm >/dev/null || { echo "npm is needed to build the front end: install Node.js 20 or newer"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMPS)/frontend: $(STAMPS)/npm $(FRONTEND_SOURCES) | $(STAMPS)
	cd frontend && npm run --silent build
	@touch $@

# The search model exported for queries (once per model: 10–20 s; decision 5). If it cannot
# be exported, the hub still starts (queries use the model's own, slower pass) and the next
# `make` tries again. The stamp holds the exported file's path: when that file has gone
# (someone emptied .models/), the step runs again.
MODEL_GONE := $(shell f=$$(cat $(STAMPS)/model 2>/dev/null) && test -f "$$f" || echo model-gone)
$(STAMPS)/model: $(STAMPS)/python hub/search/embedding.py $(MODEL_GONE) | $(STAMPS)
	@if ! DEBUG=true $(PY) manage.py search_prepare_model --stamp $@; then rm -f $@; \
	  echo "Could not export the search model for queries (see above): search still works, but new questions take about twice as long."; fi

.PHONY: model-gone
model-gone:

.PHONY: setup
setup: $(STAMPS)/python $(STAMPS)/frontend $(STAMPS)/model ## Install everything and build the front end (done by run and test)

.PHONY: run
run: setup ## Start the hub with demo data on SQLite at http://127.0.0.1:8000 (PORT=… for another)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_public_bodies
	DEBUG=true $(PY) manage.py load_demo
	@# The 149 real cases of data/cases.jsonl, demo entries in every state, two collections.
	DEBUG=true $(PY) manage.py load_demo_library
	@echo "Innovation Hub: http://127.0.0.1:$(PORT)/  (stop with Ctrl+C)"
	@# The background worker (imports, digests) runs beside the web server and stops with it.
	DEBUG=true $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

.PHONY: test
test: setup ## Run the whole test suite (browser tests need /usr/bin/chromium)
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: setup ## ruff, Django's checks and missing migrations
	$(PY) -m ruff check .
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

.PHONY: serve
serve: setup ## Serve with gunicorn (production-like; set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL)
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2

.PHONY: bench
bench: setup ## Run the benchmarks in bench/ and print their tables
	@for script in bench/[a-z]*.py; do echo "== $$script"; DEBUG=true $(PY) $$script || exit 1; done

.PHONY: lock
lock: ## Re-pin requirements.lock from pyproject.toml
	rm -rf /tmp/hub-lock-venv && $(PYTHON) -m venv /tmp/hub-lock-venv
	/tmp/hub-lock-venv/bin/pip install --quiet ".[dev]"
	(echo '# Every Python package the hub and its tests use, pinned. Regenerate with `make lock`.'; /tmp/hub-lock-venv/bin/pip freeze --exclude-editable | grep -v '^innovation-hub') > requirements.lock

.PHONY: clean
clean: ## Remove the virtual environment, built files and the SQLite database
	rm -rf $(VENV) $(STAMPS) frontend/node_modules frontend/dist staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm

.PHONY: demo-codes
demo-codes: ## Print the demo curator's and admin's current two-factor codes
	@DEBUG=true $(PY) manage.py demo_totp
