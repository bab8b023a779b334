# Everything runs from .venv, built from pyproject.toml; only python3 and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv lint test test-fast diagram histories clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy states workflows activities store worker api
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

test-fast: venv
	$(BIN)/python -m pytest -q -x

diagram: venv
	$(BIN)/python -m worker.diagram

histories: venv
	$(BIN)/python -m tests.histories.generate

clean:
	rm -rf $(VENV) .kiemtra .pytest_cache .mypy_cache .ruff_cache
