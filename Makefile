# xaso — one command each: make demo, make test, make lint, make bench.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/xaso/static/vendor
# Translation catalogues: the .po files are committed, the .mo files Django reads are built.
PO_FILES := $(wildcard src/xaso/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

# A Python >= 3.12: PYTHON= if given, then python3.13 / python3.12 that really run, then pyenv's.
PYTHON ?= $(shell for p in python3.13 python3.12 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3.1[2-9] 2>/dev/null | sort -rV); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	  then command -v $$p; break; fi; done)

.PHONY: help setup messages demo serve test test-sqlite test-postgres lint format bench clean python-check

help:
	@echo "make demo   — install everything, seed a synthetic ward and serve it on http://127.0.0.1:8000"
	@echo "make test   — the test suite (SQLite; PostgreSQL too when DATABASE_URL is set)"
	@echo "make lint   — ruff, ruff format check and the import-linter layering contracts"
	@echo "make bench  — benchmarks (numbers go to docs/benchmarks.md)"

python-check:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "xaso needs Python 3.12 or newer (Django 6). None found: install one, or run make PYTHON=/path/to/python3.12 …"; \
	  exit 1; fi

# setup is incremental: it reinstalls only when pyproject.toml or package-lock.json changed,
# and recompiles a translation only when its .po is newer than its .mo.
setup: $(BIN)/.installed $(VENDOR)/.installed messages

$(BIN)/.installed: pyproject.toml | python-check
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Each .mo is compiled with polib (pure Python, no GNU gettext needed) after the pip install
# above and again whenever its .po changes.
messages: $(MO_FILES)

%.mo: %.po $(BIN)/.installed
	$(BIN)/python -c 'import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $< $@

$(VENDOR)/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/maplibre-gl/dist/maplibre-gl.js node_modules/maplibre-gl/dist/maplibre-gl.css $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	@touch $@

demo: setup
	$(BIN)/xaso demo

serve: setup
	$(BIN)/xaso serve

test: setup
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite:
	@echo "== tests on SQLite"
	env -u DATABASE_URL XASO_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -q

test-postgres:
	@echo "== tests on $${DATABASE_URL%%://*}"
	XASO_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles $(MO_FILES)
