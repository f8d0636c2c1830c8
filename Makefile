# Two commands matter: `make run` (demo server) and `make test` (lint + tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again only when requirements.txt is newer.
STAMP := $(VENV)/.installed
# Test processes (pytest-xdist); each takes whole test files, so a file's fixtures stay in one process.
PYTEST_WORKERS ?= 2

.PHONY: run test lint clean
.PHONY: serve bench fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: export DEBUG := 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  NANETS Tumor Board: http://127.0.0.1:8000/"
	@echo "  Demo login: clinician / demo-password-2026 (also admin, coordinator, viewer, auditor)"
	@echo "  (the task worker for meeting packets runs alongside; Ctrl-C stops both)"
	@echo ""
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	@# The layering contracts ([tool.importlinter] in pyproject.toml): engine <- cases <- guidelines <- meetings.
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Production-like server (gunicorn + task worker, DEBUG off) on loopback: see bench/serve.sh.
serve: $(STAMP)
	BIN=$(BIN) bash bench/serve.sh

# Benchmark with budgets against PostgreSQL (BENCH_DATABASE_URL): see docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m bench

# 100,000 hostile inputs through `manage.py pathway` in-process (2 x 50,000; `make test` runs 300), with counts.
fuzz: $(STAMP)
	PATHWAY_FUZZ_EXAMPLES=50000 $(BIN)/pytest tests/guidelines/management/test_pathway_fuzz.py -q -s -p no:cacheprovider

# Keeps db.sqlite3: it holds whatever you entered in the local demo.
clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
