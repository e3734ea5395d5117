#!/usr/bin/env bash
# Regenerate requirements/run.lock and requirements/dev.lock (pinned versions with hashes) from
# pyproject.toml with pip-tools, in a throw-away venv so the project's own venv is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
TOOLS="$(mktemp -d)"
trap 'rm -rf "$TOOLS"' EXIT
"$PYTHON" -m venv "$TOOLS"
"$TOOLS/bin/pip" install -q pip-tools
FLAGS=(--quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links)
"$TOOLS/bin/pip-compile" "${FLAGS[@]}" -o requirements/run.lock pyproject.toml
"$TOOLS/bin/pip-compile" "${FLAGS[@]}" --extra dev -o requirements/dev.lock pyproject.toml
echo "requirements/run.lock and requirements/dev.lock written"
