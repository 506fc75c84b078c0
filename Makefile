# One command per verb. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := frontend/node_modules/.installed
STATIC := src/frontdesk/web/static
HOST ?= 127.0.0.1
PORT ?= 8000
MINUTES ?= 10

.PHONY: help run build test test-py test-js lint bench soak clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

build: $(STAMP) $(NODE_STAMP)  ## install and build the widget and the console
	$(BIN)/python scripts/gen_ts_types.py
	cd frontend && npm run build

run: build  ## serve on http://$(HOST):$(PORT) with the embedded SQLite database
	$(BIN)/frontdesk serve --host $(HOST) --port $(PORT)

test: build  ## every test: Python (SQLite, PostgreSQL, Redis), TypeScript, browser
	scripts/ensure-chromium.sh
	cd frontend && npm run typecheck && npm test && npm run size
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP) $(NODE_STAMP)  ## ruff, mypy, the package layers (import-linter), tsc
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	cd frontend && npm run typecheck

bench: build  ## benchmarks vs a raw relay (QUICK=1: tiny sizes); figures into docs/benchmarks.md
	BENCH_QUICK=$(QUICK) $(BIN)/python -m benchmarks

soak: build  ## the no-loss run with faults for $(MINUTES) minutes, SQLite and two nodes (tests/noloss/)
	$(BIN)/python -m tests.noloss --minutes $(MINUTES)

clean:  ## remove build output and installed environments
	rm -rf $(VENV) frontend/node_modules $(STATIC)/widget $(STATIC)/console $(STATIC)/api-docs
