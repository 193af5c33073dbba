# The two commands a newcomer needs: `make serve` and `make test`.
# Both create .venv and install what is missing; a stamp keyed on pyproject.toml keeps re-runs quick.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install serve test test-fast evaluate bench lint clean browser-deps db-deps

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

serve: $(STAMP)
	$(PY) -m service

# Debian packages the tests need: apt-get as root, or through sudo when there is one
APT = { SUDO=$$( [ "$$(id -u)" = 0 ] || ! command -v sudo >/dev/null || echo sudo ); \
	$$SUDO apt-get update && $$SUDO apt-get install -y $(1); }

# the page tests drive Debian's Chromium through Playwright (`playwright install` is not used)
browser-deps:
	@test -x /usr/bin/chromium || $(call APT,chromium fonts-noto-cjk)

# the store tests also run on a throwaway PostgreSQL server (tests/postgres.py): Debian's binaries
db-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || $(call APT,--no-install-recommends postgresql)

test: $(STAMP) browser-deps db-deps
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m 'not slow'

evaluate: $(STAMP)
	$(PY) -m training evaluate-detector --gold data/annotated/heldout.jsonl
	$(PY) -m training evaluate-detector --gold ../shared/eval-dev/*.jsonl

bench: $(STAMP)
	$(PY) bench/bench_detect.py

clean:
	rm -rf $(VENV)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
