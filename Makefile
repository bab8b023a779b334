# Everything runs from .venv, built from pyproject.toml; only python3 and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv run up seed lint test test-fast fuzz bench bench-quick chaos diagram histories \
	screenshots clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The dev server, worker and API on :8000 (Temporal UI on :8233); `kiemtra up` migrates and
# seeds the demo data once. Extra options: make run ARGS="--api-port 8001 --no-seed"
run: venv
	$(BIN)/kiemtra up $(ARGS)

up: run

# Demo data into an already running stack (a seeded database is left alone).
seed: venv
	$(BIN)/kiemtra seed $(ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy states workflows activities store worker api testkit bench documents
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

test-fast: venv
	$(BIN)/python -m pytest -q -x

# Schemathesis against the served API as every role; `make test` runs it with 5 examples per
# operation and role. Other data: make fuzz FUZZ_SEED=1
FUZZ_EXAMPLES ?= 100
FUZZ_SEED     ?= 0
fuzz: venv
	KIEMTRA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) KIEMTRA_FUZZ_SEED=$(FUZZ_SEED) \
		$(BIN)/python -m pytest tests/fuzz -q

# Benchmarks: their own commands, never part of `make test`; figures go to
# bench/results/latest.json (see bench/README.md). PostgreSQL is measured too when
# KIEMTRA_BENCH_POSTGRES_URL (or KIEMTRA_TEST_POSTGRES_URL) names a server.
bench: venv
	$(BIN)/python -m bench.floor
	$(BIN)/python -m bench.http_cost
	$(BIN)/python -m bench.read_side
	$(BIN)/python -m bench.open_inspections
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.documents --record
	$(BIN)/python -m bench.uploads

bench-quick: venv
	$(BIN)/python -m bench.floor --quick
	$(BIN)/python -m bench.http_cost --quick
	$(BIN)/python -m bench.read_side --quick --samples 20
	$(BIN)/python -m bench.open_inspections --quick
	$(BIN)/python -m bench.pages --quick
	$(BIN)/python -m bench.documents --samples 50
	$(BIN)/python -m bench.uploads --rounds 1 --no-record

# Faults injected into real processes (kill -9 of workers, dev-server restart, database
# outage) while 200 inspections run through the API: once with one worker and one API
# process, once with two of each, clients spread over both APIs and API processes killed too.
# `make test` runs reduced versions of both.
chaos: venv
	$(BIN)/python -m bench.chaos
	$(BIN)/python -m bench.chaos --workers 2 --apis 2

diagram: venv
	$(BIN)/python -m worker.diagram

histories: venv
	$(BIN)/python -m tests.histories.generate

# The main pages with the demo data, as PNGs in docs/screenshots/ (a whole stack is started
# in a temporary directory and stopped afterwards; Debian's chromium takes the pictures).
screenshots: venv
	$(BIN)/python -m testkit.screenshots

clean:
	rm -rf $(VENV) .kiemtra .pytest_cache .mypy_cache .ruff_cache
