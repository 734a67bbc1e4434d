# Two commands for a fresh clone: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/b2bplatform_test

.PHONY: run test lint typecheck fmt schema messages bench install install-dev migrate worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-prod: requirements/base.txt requirements/production.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/production.txt
	touch $@

$(VENV)/.installed-dev: requirements/base.txt requirements/production.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.installed-prod

install: $(VENV)/.installed-prod
install-dev: $(VENV)/.installed-dev

## run: the embedded default — SQLite, filesystem broker, e-mails in var/mail; web + worker + beat
run: install
	HOST=$(HOST) PORT=$(PORT) bash scripts/run_embedded.sh

## test: the whole suite on PostgreSQL (DATABASE_URL, default $(TEST_DATABASE_URL)) and Redis
test: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m pytest $(PYTEST_ARGS)

TYPED = core $(wildcard */services.py */selectors.py */decisions.py */moderation.py)

## lint: ruff, the format check, mypy and the floor plan (.importlinter); .ci/run and pre-commit run the same
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) typecheck
	$(BIN)/lint-imports --config .importlinter --no-logo

## typecheck: mypy with django-stubs over the ground floor (core) and the services and selectors
typecheck: install-dev
	$(BIN)/mypy $(TYPED)

fmt: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## schema: regenerate the committed OpenAPI contract from the code
schema: install-dev
	DJANGO_SETTINGS_MODULE=b2bplatform.settings.test $(BIN)/python manage.py spectacular --file api-contracts.yaml --validate

## messages: extract every gettext string and template text into locale/ru/LC_MESSAGES/django.po and compile it;
## translate what is new, then commit the .po and the .mo (tests/test_translations.py fails on a stale catalogue)
MESSAGES_IGNORE = -i .venv -i var -i staticfiles -i bench -i tests -i '*/tests' -i '*/migrations' -i docs -i scripts
messages: install-dev
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	DJANGO_SETTINGS_MODULE=b2bplatform.settings.test $(BIN)/python manage.py makemessages -l ru --add-location file $(MESSAGES_IGNORE)
	DJANGO_SETTINGS_MODULE=b2bplatform.settings.test $(BIN)/python manage.py compilemessages -l ru $(MESSAGES_IGNORE)

bench: install-dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run_all.py

migrate: install
	$(BIN)/python manage.py migrate

clean:
	rm -rf var/ .pytest_cache .ruff_cache
