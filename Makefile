# Bitgoeul — one command for each thing a newcomer does. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint pytest e2e bench load fuzz messages assets system-deps chromium clean

# --- environment -------------------------------------------------------------------------
system-deps:  ## gettext (compiles translations) and npm (vendors front-end assets once)
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (e.g. sudo apt-get install$$missing)"; exit 1; fi; \
	fi

$(STAMP): pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

static/vendor/.versions: scripts/vendor_assets.py | system-deps
	$(BIN)/python scripts/vendor_assets.py

assets: $(STAMP) static/vendor/.versions

messages: $(STAMP) | system-deps  ## compile the .po catalogues into .mo
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -m bitgoeul.cli compilemessages -v 0 --ignore=.venv --ignore=static --ignore=var --ignore=node_modules

# --- the commands of the README ----------------------------------------------------------
run: assets messages  ## set up, migrate, load demo data, serve on http://127.0.0.1:8000
	$(BIN)/bitgoeul serve --demo --port $(PORT)

test: assets messages lint audit pytest  ## ruff, mypy, audit and pytest on SQLite (DATABASE_URL for PostgreSQL)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bitgoeul tests benchmarks

.PHONY: audit
audit: $(STAMP)  ## pip-audit of the pinned dependencies (skipped without PyPI's JSON API), bandit
	$(BIN)/python scripts/audit.py

pytest: assets messages
	$(BIN)/pytest -m "not e2e" -n 2 -q

chromium:  ## Debian's Chromium for the browser tests
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Please install Chromium: sudo apt-get install chromium"; exit 1; fi; }

e2e: assets messages chromium  ## browser tests in headless Chromium; screenshots in docs/screenshots/
	$(BIN)/pytest tests/e2e -m e2e -q -p no:xdist

bench: assets messages  ## benchmarks; figures go to docs/benchmarks.md
	$(BIN)/python -m benchmarks.bench_web
	$(BIN)/python -m benchmarks.bench_solvers
	$(BIN)/python -m benchmarks.bench_companies
	$(BIN)/python -m benchmarks.bench_backup
	$(BIN)/python -m benchmarks.bench_programs_list
	$(BIN)/python -m benchmarks.bench_equipment_http
	$(BIN)/python -m benchmarks.bench_equipment
	$(BIN)/python -m benchmarks.bench_matchmaking
	$(BIN)/python -m benchmarks.bench_gpu_agent
	$(BIN)/python -m benchmarks.bench_usage_ingest
	$(BIN)/python -m benchmarks.bench_compute_round

load: assets messages  ## locust, open loop: 20 requests/s for 5 min, then stepped; to docs/benchmarks.md
	$(BIN)/python -m benchmarks.load $(LOAD_ARGS)

fuzz: assets messages  ## schemathesis against the running API; fails on any 5xx
	$(BIN)/python -m benchmarks.fuzz_api

i18n: $(STAMP) | system-deps  ## extract new strings into the catalogues (then translate ko)
	$(BIN)/python scripts/update_messages.py

clean:
	rm -rf $(VENV) var static/vendor
