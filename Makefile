# The two commands: `make run` (demo journal on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Debian packages the tests need: a real browser for the end-to-end tests; for typesetting,
# Pango (WeasyPrint), fonts covering Vietnamese in full (Noto, DejaVu) and poppler-utils
# (PDF previews).
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-dejavu-core poppler-utils

.PHONY: run test test-sqlite test-postgresql lint format install translations system-deps extract-messages clean

install: $(STAMP) translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip >/dev/null
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d journal/translations

# Installs the Debian packages that are missing (as root, or through sudo).
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: install
	JOURNAL_ENV=development $(BIN)/journal db upgrade
	JOURNAL_ENV=development $(BIN)/journal demo
	JOURNAL_ENV=development $(BIN)/journal run --host $(HOST) --port $(PORT)

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
