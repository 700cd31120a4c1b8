# The two commands: `make run` (demo journal on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Every link the demo writes (e-mails, feeds, widget, sitemap) follows HOST and PORT, unless
# JOURNAL_BASE_URL is set.
JOURNAL_BASE_URL ?= http://$(HOST):$(PORT)
# Debian packages the journal needs to typeset: Pango (WeasyPrint), fonts covering Vietnamese
# in full (Noto, DejaVu) and poppler-utils (page counts, PDF previews). The tests also need a
# real browser for the end-to-end tests, and systemd-analyze checks the units in deploy/systemd.
RUN_PACKAGES    := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-dejavu-core poppler-utils
SYSTEM_PACKAGES := $(RUN_PACKAGES) chromium systemd

.PHONY: run serve test test-sqlite test-postgresql lint format install translations system-deps run-deps extract-messages clean

install: $(STAMP) translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip >/dev/null
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d journal/translations

# Install the Debian packages that are missing (as root, or through sudo).
system-deps: PACKAGES = $(SYSTEM_PACKAGES)
run-deps: PACKAGES = $(RUN_PACKAGES)
system-deps run-deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: install run-deps
	JOURNAL_ENV=development JOURNAL_BASE_URL=$(JOURNAL_BASE_URL) $(BIN)/journal db upgrade
	JOURNAL_ENV=development JOURNAL_BASE_URL=$(JOURNAL_BASE_URL) $(BIN)/journal demo
	JOURNAL_ENV=development JOURNAL_BASE_URL=$(JOURNAL_BASE_URL) $(BIN)/journal run --host $(HOST) --port $(PORT)

# The same demo served by gunicorn with the production configuration (deploy/gunicorn.conf.py).
serve: install run-deps
	JOURNAL_ENV=development JOURNAL_BASE_URL=$(JOURNAL_BASE_URL) $(BIN)/journal db upgrade
	JOURNAL_ENV=development JOURNAL_BASE_URL=$(JOURNAL_BASE_URL) $(BIN)/journal demo
	JOURNAL_ENV=development JOURNAL_BASE_URL=$(JOURNAL_BASE_URL) \
	  $(BIN)/gunicorn --config deploy/gunicorn.conf.py --bind $(HOST):$(PORT)

# SQLite always; PostgreSQL too when JOURNAL_TEST_DATABASE_URL is set (CI sets it). The two
# passes run side by side (one per core); the Redis job-queue tests run in the PostgreSQL pass.
test: install system-deps
	@if [ -z "$$JOURNAL_TEST_DATABASE_URL" ]; then \
	  $(BIN)/python -m pytest; \
	else \
	  log=$$(mktemp); \
	  env -u JOURNAL_TEST_DATABASE_URL -u JOURNAL_TEST_REDIS_URL $(BIN)/python -m pytest -p no:cacheprovider >$$log 2>&1 & sqlite=$$!; \
	  echo "== on PostgreSQL: $$JOURNAL_TEST_DATABASE_URL (SQLite pass running beside it)"; \
	  $(BIN)/python -m pytest -p no:cacheprovider; pg=$$?; \
	  wait $$sqlite; lite=$$?; \
	  echo "== on SQLite:"; cat $$log; rm -f $$log; \
	  echo "== PostgreSQL pass exit $$pg, SQLite pass exit $$lite"; \
	  [ $$pg -eq 0 ] && [ $$lite -eq 0 ]; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the catalogs after changing user-facing strings.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o journal/translations/messages.pot .
	$(BIN)/pybabel update -i journal/translations/messages.pot -d journal/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
