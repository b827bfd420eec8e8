# iom: `make run` to try it, `make test` for the whole suite. Everything installs into .venv.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
AS_OF ?= 2024-06-30
BENCH_PEOPLE ?= 1000000
NATIONAL ?= 13000000

.PHONY: install run test lint typecheck pytest bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(BIN)/iom --help
	$(BIN)/iom policies
	$(BIN)/iom assess --policy derbyshire-2021 --as-of $(AS_OF) --explain examples/people.jsonl
	$(BIN)/iom assess --policy nottinghamshire-yjs-2022 --as-of $(AS_OF) --explain examples/people.jsonl

test: lint typecheck pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src/iom/rules

pytest: install
	$(BIN)/pytest

bench: install  ## screening at 1M people (and 13M with NATIONAL=13000000), then the per-person rules
	$(BIN)/python bench/screening.py --people $(BENCH_PEOPLE) --national $(NATIONAL)
	$(BIN)/python bench/rules_per_person.py --people 10000 --out bench/results/rules_per_person.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
