# iom: `make run` to try it, `make test` for the whole suite. Everything installs into .venv.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
AS_OF ?= 2024-06-30
DEMO_PEOPLE ?= 2000
BENCH_PEOPLE ?= 1000000
NATIONAL ?= 13000000
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/iom_bench
GOVUK := node_modules/govuk-frontend/dist/govuk
MOJ := node_modules/@ministryofjustice/frontend/moj
STATIC := src/iom/web/static/govuk

.PHONY: install static run test lint typecheck pytest bench clean

install: $(VENV)/.installed $(STATIC)/.built

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# GOV.UK Frontend, the MoJ Frontend and Dart Sass from the npm registry (versions pinned in
# package.json). The stylesheet is compiled with the system font stack: GDS Transport, the crown
# and the GOV.UK wordmark are GOV.UK's alone, so no font files are copied.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

$(STATIC)/.built: node_modules/.installed src/iom/web/styles/iom.scss
	mkdir -p $(STATIC)/assets/images
	cp $(GOVUK)/govuk-frontend.min.js $(MOJ)/moj-frontend.min.js $(STATIC)/
	cp $(GOVUK)/assets/images/*.svg $(MOJ)/assets/images/*.svg $(STATIC)/assets/images/
	node_modules/.bin/sass --load-path=. --no-source-map --style=compressed --quiet src/iom/web/styles/iom.scss $(STATIC)/iom.min.css
	touch $@

static: $(STATIC)/.built

run: install
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/iom demo --people $(DEMO_PEOPLE)
	@echo "Sign in at http://127.0.0.1:8000 with a demo user above; codes: $(BIN)/iom demo-code USERNAME"
	@# the task worker (work too long for a request) runs beside the server and stops with it
	$(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: lint typecheck pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src/iom/rules src/iom/impact

# DATABASE_URL picks the database (SQLite under var/ by default; .ci/run uses PostgreSQL).
pytest: install
	$(BIN)/pytest

bench: install  ## screening at 1M and 13M people; importing 100,000; impact on 100,000 episodes, fairness on 1M; the web under load
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/screening.py --people $(BENCH_PEOPLE) --national $(NATIONAL)
	$(BIN)/python bench/import_people.py --people 100000
	DATABASE_URL=$(BENCH_POSTGRES)_import $(BIN)/python bench/import_people.py --people 100000 --large 1000000 --out bench/results/import-postgresql.json
	$(BIN)/python bench/impact.py --episodes 100000 --people 1000000
	$(BIN)/python bench/web_load.py --people $(BENCH_PEOPLE) --database $(BENCH_POSTGRES)_load

clean:
	rm -rf $(VENV) node_modules $(STATIC) .mypy_cache .ruff_cache .pytest_cache .hypothesis
