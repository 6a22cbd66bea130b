# schemashift developer entry points. Needs only Python >= 3.11 (python3) on a fresh machine:
# the virtualenv is created on first use and the package (re)installed only when pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.schemashift-installed
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: help install test test-slow bench demo clean

help:
	@echo "make demo       the guide's local workflow end to end on SQLite in a fresh demo/ folder (scripts/demo.sh)"
	@echo "make test       the test suite in parallel (pytest -n auto), without the slow tests"
	@echo "make test-slow  only the long exhaustive runs (marker: slow)"
	@echo "make bench      benchmarks against the Prisma reference engines (bench/run.py)"
	@echo "make install    create .venv and install schemashift with all its extras and the test tools"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	@# byte-compile the editable sources once: start-up is ~0.1 s slower without .pyc files, and an
	@# environment with PYTHONDONTWRITEBYTECODE=1 would never write them
	$(BIN)/python -m compileall -q src >/dev/null
	touch $@

install: $(STAMP)

test: $(STAMP)
	-@bash scripts/install-chromium  # the ERD browser tests' Chromium; they skip without it
	-@bash scripts/install-percona-toolkit  # pt-online-schema-change for the MySQL online-copy tests; they skip without it
	$(PYTEST) -n auto -m "not slow" tests/

test-slow: $(STAMP)
	$(PYTEST) -n auto -m slow tests/

bench: $(STAMP)
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python bench/run.py

demo: $(STAMP)
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

clean:
	rm -rf demo build bench/results
