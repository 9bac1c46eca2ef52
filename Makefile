# Xuejiao: the two commands of the README, and a few helpers.
#
#   make run    set up (once), migrate, load the Zhengzhou 2021 demo, serve http://127.0.0.1:8000
#   make test   set up (once), lint, migration and translation checks, tests on SQLite, and
#               on PostgreSQL too when DATABASE_URL is set
#
# Needs Python 3.11+ and Node.js with npm. Every tool is called by its path inside .venv,
# so no virtualenv has to be activated. Installs are skipped while pyproject.toml and
# package-lock.json are unchanged (stamp files inside .venv/ and node_modules/).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
PY_STAMP := $(VENV)/.xuejiao-installed
NODE_STAMP := node_modules/.xuejiao-installed

HOST_PORT ?= 127.0.0.1:8000
DEMO ?= zhengzhou-2021
# `make run` is a local demo: DEBUG lets runserver serve static files and show tracebacks.
# Production never uses runserver (docs/deploy.md).
RUN_DEBUG ?= True
# Extra arguments for both pytest passes, e.g. make test PYTEST_ARGS="-k scope -x"
PYTEST_ARGS ?=

.PHONY: help setup run test lint fmt bench vendor messages check-translations

help:
	@echo "make run     set up, migrate, load the demo and serve http://$(HOST_PORT)"
	@echo "make test    lint, checks and the whole test suite (PostgreSQL too if DATABASE_URL is set)"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make fmt     ruff format and ruff check --fix"
	@echo "make bench   run every bench/*.py script in order"

# --- setup -------------------------------------------------------------------------------

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0] + " (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_STAMP): package-lock.json package.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (with npm) first" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

# Cheap and always run, so a changed .po file or library is never served stale.
vendor: $(NODE_STAMP)
	$(PY) scripts/vendor_assets.py

messages: $(PY_STAMP)
	$(PY) scripts/compile_messages.py

setup: $(PY_STAMP) $(NODE_STAMP) vendor messages
	@mkdir -p var

# --- the README's two commands -----------------------------------------------------------

# Every command of the demo runs with DEBUG: without it the settings demand a SECRET_KEY.
run: setup
	DEBUG=$(RUN_DEBUG) $(PY) manage.py migrate --no-input
	DEBUG=$(RUN_DEBUG) $(PY) manage.py load_demo $(DEMO)
	@echo "Xuejiao: http://$(HOST_PORT)/  (demo logins: see README.md)"
	@# The background worker (large imports) runs beside the server and stops with it.
	DEBUG=$(RUN_DEBUG) $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$(RUN_DEBUG) $(PY) manage.py runserver $(HOST_PORT)

# pytest's own exit codes pass straight through: 5 ("no tests ran") fails the target too.
# Browser tests run in the SQLite pass only, to keep CI time down.
test: setup
	@echo "== ruff check"
	$(RUFF) check .
	@echo "== ruff format --check"
	$(RUFF) format --check .
	@echo "== migrations are up to date"
	DEBUG=True $(PY) manage.py makemigrations --check --dry-run
	@echo "== zh_Hans translations are complete"
	$(PY) scripts/check_translations.py
	@echo "== pytest on SQLite (browser tests included)"
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)
	@if [ -n "$${DATABASE_URL:-}" ]; then \
		echo "== pytest on PostgreSQL (DATABASE_URL is set; browser tests excluded)"; \
		$(PY) -m pytest -m "not browser" $(PYTEST_ARGS); \
	else \
		echo "== DATABASE_URL is not set: PostgreSQL pass skipped"; \
	fi

check-translations: $(PY_STAMP)
	$(PY) scripts/check_translations.py

# --- helpers -----------------------------------------------------------------------------

lint: $(PY_STAMP)
	$(RUFF) check .
	$(RUFF) format --check .

fmt: $(PY_STAMP)
	$(RUFF) format .
	$(RUFF) check --fix .

# Benchmarks print figures; they are never pass/fail tests (docs/architecture.md). Every
# bench/*.py with a `__main__` guard is a script, run in name order; the others (such as
# bench/common.py) are shared helpers.
bench: setup
	@shopt -s nullglob; scripts=(); \
	for file in bench/*.py; do if grep -q '__name__ == "__main__"' "$$file"; then scripts+=("$$file"); fi; done; \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no bench/*.py scripts yet"; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
		echo "== $$script"; \
		$(PY) "$$script"; \
	done
