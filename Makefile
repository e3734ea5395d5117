# Cartégalité — the two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test setup setup-test lint bench db-stop clean

VENV := .venv/bin

run: setup ## Install what is missing, start the local PostGIS, migrate, import QPV, serve
	$(VENV)/cartegalite serve

test: setup-test ## Lint, type-check and run the whole test suite against a throw-away PostGIS
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	$(VENV)/pytest

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy

db-stop: setup
	$(VENV)/cartegalite db stop

clean:
	rm -rf .venv node_modules .pytest_cache .mypy_cache .ruff_cache
