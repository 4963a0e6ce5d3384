# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Parallel test workers: both cores by default; `make test PYTEST_WORKERS=0` runs serially.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run test install lint format check migrate seed magic-deps browser-deps proxy-deps bench bench-deps clean help

help:
	@echo "make run    - install, migrate, load demo data once, start web + worker + beat"
	@echo "make test   - the whole test suite"
	@echo "make lint   - ruff lint and format check, then the import contracts"

$(BIN)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	@touch $@

install: $(BIN)/.installed

# libmagic: uploaded CVs are typed by their content (python-magic); install it when we can.
magic-deps:
	@if ! $(PYTHON) -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('magic'))"; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's libmagic1 to type uploaded CVs..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmagic1 >/dev/null; \
	  else \
	    echo "libmagic is missing: install it (apt-get install libmagic1, or brew install libmagic)."; \
	    exit 1; \
	  fi; \
	fi

migrate: install magic-deps
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

run: seed
	@echo "Starting web (http://127.0.0.1:8000), worker and beat. Ctrl-C stops all three."
	$(BIN)/honcho start -f Procfile.dev

# Browser tests drive Debian's Chromium; install it when we can (root with apt-get).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is not installed: browser tests will be skipped (apt-get install chromium)."; \
	  fi; \
	fi

# nginx, which the slow-client tests run in front of gunicorn (deploy/nginx/), as compose does.
proxy-deps:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's nginx-light for the slow-client tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  else \
	    echo "nginx is not installed: slow-client tests will be skipped (apt-get install nginx-light)."; \
	  fi; \
	fi

# axe-core, which the browser tests inject to check accessibility (pinned in package-lock.json).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

test: install magic-deps browser-deps proxy-deps node_modules/axe-core/axe.min.js
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench-deps:
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

# Load benchmark against PostgreSQL (see docs/benchmarks.md); BENCH_DATABASE_URL must be set.
bench: install bench-deps
	$(PY) -m bench.load --database-url "$(BENCH_DATABASE_URL)" --redis-url "$(BENCH_REDIS_URL)" $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache node_modules
