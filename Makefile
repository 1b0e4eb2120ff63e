# Chung Sức — the two commands: `make run` and `make test`. Nothing here needs a database server.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# Two workers: the machine has two cores; CI and the merge check run the suite the same way.
PYTEST_ARGS ?= -n 2

.PHONY: run dev install install-dev setup test test-pg lint format bench browser-deps doc-deps messages clean prod-check

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Chung Sức needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Migrate, load An Giang's built-in data and the labelled demo data set (idempotent); build the static files.
setup: install
	$(BIN)/chungsuc migrate --noinput
	$(BIN)/chungsuc load_builtin
	$(BIN)/chungsuc load_demo
	$(BIN)/chungsuc collectstatic --noinput >/dev/null

## Install, migrate, load the data and serve http://$(HOST):$(PORT)/ (SQLite by default). DEBUG stays off
## (error pages and static files as in production); plain HTTP on this machine, so cookies are not HTTPS-only.
run: setup
	@echo "Chung Sức: http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	CHUNGSUC_SECURE_COOKIES=0 $(BIN)/chungsuc runserver $(HOST):$(PORT)

## Like `make run` but with Django's DEBUG on (tracebacks in the browser, static files from the source tree).
dev: setup
	@echo "Chung Sức (DEBUG): http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	CHUNGSUC_DEBUG=1 $(BIN)/chungsuc runserver $(HOST):$(PORT)

## Debian's Chromium for the browser tests (installed when missing and we may use apt).
browser-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation2 fonts-croscore >/dev/null; \
	  else echo "Cần Chromium của Debian ($(CHROMIUM)) cho các kiểm thử trình duyệt: sudo apt-get install chromium"; fi; \
	fi

## What official documents need from Debian: Pango for WeasyPrint (PDF), the metric-compatible Times New
## Roman fonts, and poppler (pdftotext, pdftoppm) with which the tests read the PDFs back.
doc-deps:
	@if ! command -v pdftotext >/dev/null || ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 \
	    || ! fc-list 2>/dev/null | grep -qi "Liberation Serif"; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	      fonts-liberation2 fonts-croscore poppler-utils >/dev/null; \
	  else echo "Cần Pango, phông Liberation Serif và poppler-utils: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2 poppler-utils"; fi; \
	fi

## The whole suite on SQLite.
test: install-dev browser-deps doc-deps
	$(BIN)/pytest $(PYTEST_ARGS)

## The same suite on PostgreSQL: DATABASE_URL=postgres://user@host:5432/dbname make test-pg
test-pg: install-dev browser-deps doc-deps
	@test -n "$$DATABASE_URL" || (echo "Đặt DATABASE_URL, ví dụ postgres://postgres@127.0.0.1:5432/postgres" && exit 2)
	$(BIN)/pytest $(PYTEST_ARGS)

## The README's production path: static build with DEBUG off, `check --deploy` with the production
## environment, gunicorn on loopback answering the login page, the portal and a static file (.ci/production-check).
prod-check: install
	VENV=$(VENV) .ci/production-check

lint: install-dev
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src
	$(BIN)/lint-imports --no-cache
	$(BIN)/chungsuc check --fail-level WARNING
	$(BIN)/chungsuc makemigrations --check --dry-run >/dev/null

format: install-dev
	$(BIN)/ruff check --fix src
	$(BIN)/ruff format src

## Performance budgets of docs/architecture.md on generated national-scale data (prints JSON lines).
bench: install-dev
	$(BIN)/chungsuc bench $(BENCH_ARGS)

## Recompile the translations (needs GNU gettext's msgfmt).
messages: install-dev
	cd src/chungsuc && ../../$(BIN)/chungsuc compilemessages

clean:
	rm -rf $(VENV) var
