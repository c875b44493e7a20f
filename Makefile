# Newsdesk developer commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The address readers and API clients use: every absolute URL (API images and links,
# feeds, sitemap, robots.txt, canonical links) is built on it (cms/core/site_urls.py).
# `make run` sets the Site to it, so the site links to the address it serves; serving on
# every interface (HOST=0.0.0.0) links to 127.0.0.1 unless SITE_URL names the address
# others reach it on.
SITE_HOST = $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
SITE_URL ?= http://$(SITE_HOST):$(PORT)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
# Test processes side by side (pytest-xdist); 1 runs the suite in one process.
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install install-dev node-tools migrate demo run worker browser bench bench-load bench-scale wrk bench-search bench-freshness bench-admin bench-import bench-hostile bench-lighthouse test test-quick test-postgres lint layers format migrations-check clean

help: ## List the targets with one line each
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-18s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Newsdesk needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Set PYTHON=python3.12 (or similar)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed ## Create .venv and install Newsdesk
install-dev: $(VENV)/.installed-dev ## Install Newsdesk with the test and lint tools

# The reader-page checks' Node tools (vnu, axe-core, Lighthouse), pinned in
# tests/browser/package-lock.json. Install scripts stay off: no tool fetches a browser or
# a Java of its own (the checks use Debian's Chromium and the machine's Java). Without npm
# the checks skip, saying why; on CI (CI=true) a missing npm is an error.
NODE_TOOLS := tests/browser/node_modules/.installed
$(NODE_TOOLS): tests/browser/package.json tests/browser/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
		if [ "$$CI" = "true" ]; then echo "npm is needed for the reader-page checks (apt-get install npm)" >&2; exit 1; fi; \
		echo "npm not found: the reader-page checks (vnu, axe-core, Lighthouse) will skip"; \
	else \
		npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	fi

node-tools: $(NODE_TOOLS) ## Install the reader-page checks' Node tools (vnu, axe-core, Lighthouse) with npm

migrate: install ## Apply database migrations (SQLite file db.sqlite3 unless DATABASE_URL is set)
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo newsroom (safe to run again)
	$(PY) manage.py load_demo_content

run: demo ## Set everything up; serve the site and run the worker on http://127.0.0.1:8000 (HOST=, PORT=, SITE_URL=)
	$(PY) manage.py set_site_url $(SITE_URL)
	@# Stored responses survive restarts (var/cache/, shared with the worker); start from
	@# an empty cache so changed templates and code show.
	@rm -rf var/cache
	@echo ""
	@echo "  Newsdesk is starting on $(SITE_URL)/"
	@echo "    Reader site:   $(SITE_URL)/"
	@echo "    Wagtail admin: $(SITE_URL)/admin/  (logins above)"
	@echo "  The worker (search index, scheduled posts, webhooks) runs alongside."
	@echo "  Press Ctrl+C to stop both."
	@echo ""
	@$(PY) manage.py run_worker --interval 10 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
		$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate ## Run only the worker (tasks, scheduled publishing, webhooks) until Ctrl+C
	$(PY) manage.py run_worker

browser: ## Install Debian's Chromium for the browser tests (uses apt-get; sudo when not root)
	@if command -v chromium >/dev/null 2>&1; then echo "chromium is installed: $$(command -v chromium)"; else \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; fi

bench-admin: install-dev ## Time saving, submitting and approving in the admin: before/after the worker (SQLite), then at scale on demo data and 100,000 posts (PostgreSQL, about 25 minutes the first time)
	$(PY) bench/admin_bench.py
	$(PY) bench/admin_bench.py --scale

bench-hostile: install wrk ## 64 connections of cache-busters, popular searches and a 60 s mixed load under gunicorn (SQLite, then PostgreSQL); writes docs/performance.md
	$(PY) bench/hostile_load_bench.py
	$(PY) bench/hostile_load_bench.py --database postgres

bench-lighthouse: install node-tools ## Lighthouse (mobile and desktop) on the demo site's home page and an article under gunicorn; writes docs/performance.md
	$(PY) bench/lighthouse.py

bench-import: install ## Time importing 2,000 generated Blogger and WordPress posts (SQLite); writes docs/performance.md
	$(PY) bench/import_bench.py

wrk: ## Install the wrk load generator from Debian (apt-get; sudo when not root)
	@if command -v wrk >/dev/null 2>&1; then echo "wrk is installed: $$(command -v wrk)"; else \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; fi

bench: install wrk ## Newsdesk vs a stock Wagtail 8 site (1,000 posts, interleaved rounds), then publishing under load (SQLite); writes docs/performance.md
	$(PY) bench/stock/build.py
	$(PY) bench/versus_stock_bench.py
	$(PY) bench/publish_bench.py

bench-load: install wrk ## Load-test 1,000 posts under gunicorn vs a bare Django view (SQLite, then PostgreSQL); writes docs/performance.md
	$(PY) bench/load_bench.py
	$(PY) bench/load_bench.py --database postgres

bench-scale: install wrk ## The scale run: 100,000 posts on PostgreSQL (about 10 minutes the first time); writes docs/performance.md
	$(PY) bench/load_bench.py --database postgres --posts 100000

bench-search: install ## Time search over 5,000 generated posts on SQLite and PostgreSQL; writes docs/performance.md
	$(PY) bench/search_bench.py
	$(PY) bench/search_bench.py --database postgres

bench-freshness: install ## Time publishing with and without (dead) webhook receivers; writes docs/performance.md
	$(PY) bench/freshness_bench.py

lint: install-dev ## Run ruff (lint and format check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

layers: install-dev ## Check the one-way layers and app boundaries (import-linter, pyproject.toml)
	$(BIN)/lint-imports

format: install-dev ## Reformat the code and apply safe lint fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install-dev ## Fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

test: lint layers migrations-check node-tools ## Install, lint, check layers and migrations, run the whole suite (SQLite)
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test-quick: install-dev ## The suite without the deployment and browser tests (a quick local run; CI runs all)
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not deployment and not browser"

test-postgres: install-dev node-tools ## Run the whole suite against PostgreSQL (POSTGRES_URL=, default local test db)
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n $(PYTEST_WORKERS)

clean: ## Remove the virtualenv, caches and test output (keeps db.sqlite3 and media/)
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output *.egg-info var/cache tests/browser/node_modules
