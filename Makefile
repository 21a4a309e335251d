# The documented entry points. Each target sets itself up: it creates .venv on first
# use and reinstalls when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
WORKSPACE ?= demo-workspace
PYTEST_ARGS ?=

.PHONY: run test lint typecheck browser bench clean help

help:
	@echo "make run    build the demo workspace (once) and serve it on http://127.0.0.1:8000"
	@echo "make test   ruff, mypy --strict (package and benchmarks), import contracts and the whole test suite"
	@echo "make bench  run the benchmarks in bench/"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/leadflow run-demo --workspace $(WORKSPACE)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src/leadflow bench
	$(BIN)/lint-imports

# The web tests drive Debian's Chromium through Playwright; never a downloaded browser.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install Chromium at $(CHROMIUM) (Debian package chromium)"; exit 1; }
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium

browser: $(CHROMIUM)

test: lint typecheck browser
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(WORKSPACE) .mypy_cache .pytest_cache .ruff_cache
