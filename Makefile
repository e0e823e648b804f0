# Caducée — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CADUCEE := $(BIN)/caducee
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= small

.PHONY: run test lint format install install-dev messages demo clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: install
	$(CADUCEE) translations compile

run: install messages
	$(CADUCEE) migrate --no-input
	$(CADUCEE) demo --scale $(SCALE) --if-empty
	$(CADUCEE) serve --host $(HOST) --port $(PORT)

test: install-dev messages
	./scripts/test-all

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) var/test-*
