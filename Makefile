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
RUN_PACKAGES    := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core poppler-utils
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

# Test processes per pass (pytest-xdist: each has a database of its own), and the folder for
# the tests' temporary files: in memory where /dev/shm is writable (no waiting for the disk).
TEST_WORKERS ?= 2
TEST_TMPDIR  ?= $(shell [ -w /dev/shm ] && echo /dev/shm || echo $${TMPDIR:-/tmp})

# SQLite always; then PostgreSQL when JOURNAL_TEST_DATABASE_URL is set (CI sets it), with the
# Redis job-queue tests. One pass after the other, each on both cores; they share one cache of
# typeset galleys (tests/typeset_cache.py).
test: install system-deps
	@cache=$$(mktemp -d "$(TEST_TMPDIR)/journal-typeset.XXXXXX"); \
	export TMPDIR="$(TEST_TMPDIR)" JOURNAL_TEST_TYPESET_CACHE="$$cache"; \
	echo "== on SQLite"; \
	env -u JOURNAL_TEST_DATABASE_URL -u JOURNAL_TEST_REDIS_URL \
	  $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile; lite=$$?; pg=0; \
	if [ -n "$$JOURNAL_TEST_DATABASE_URL" ]; then \
	  echo "== on PostgreSQL: $$JOURNAL_TEST_DATABASE_URL"; \
	  $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile; pg=$$?; \
	  echo "== SQLite pass exit $$lite, PostgreSQL pass exit $$pg"; \
	fi; \
	rm -rf "$$cache"; \
	[ $$lite -eq 0 ] && [ $$pg -eq 0 ]

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
