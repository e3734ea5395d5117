# Cartégalité — the two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test setup setup-test setup-bench lint check fmt audit lock bench bench-quick screens db-stop clean

VENV := .venv/bin

run: setup ## Install what is missing, start the local PostGIS, migrate, import QPV, serve
	$(VENV)/cartegalite serve

test: setup-test ## Lint, type-check, audit the lock and run the whole test suite (throw-away PostGIS)
	@$(MAKE) --no-print-directory check
	@bash scripts/audit.sh
	$(VENV)/pytest

bench: setup-bench ## Benchmarks (not tests): ours vs references, same run, ~15 min; writes bench/RESULTS.md
	$(VENV)/cartegalite bench run

bench-quick: setup-bench ## The same at reduced sizes, ~2-4 min (for iterating; RESULTS.md says "quick")
	$(VENV)/cartegalite bench run --quick

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

setup-bench:
	@bash scripts/setup.sh --bench

lint: setup ## ruff (lint + format check) and mypy
	@$(MAKE) --no-print-directory check

check:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy

audit: setup-test ## pip-audit of the locked dependencies (skipped, with a message, when offline)
	@bash scripts/audit.sh

lock: ## Regenerate the lock files with hashes from pyproject.toml (pip-tools)
	@bash scripts/lock.sh

screens: setup-test ## Regenerate the back-office screenshots of the README (docs/screens/)
	CARTEGALITE_UPDATE_SCREENS=1 $(VENV)/pytest -n0 tests/equipe/test_stories.py tests/marche/test_suivi_link.py tests/actors/test_printed.py

fmt: setup ## Format and fix what ruff can fix by itself
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

db-stop: setup
	$(VENV)/cartegalite db stop

clean:
	rm -rf .venv node_modules .pytest_cache .mypy_cache .ruff_cache
