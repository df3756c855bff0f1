#!/usr/bin/env bash
# Sets everything up (first time only) and runs every check CI runs: lint, the layering
# contract, the type checker and the whole test suite, offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
IDTOOL_SETUP_TESTS=1 bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
echo "== ruff check"
.venv/bin/ruff check .
echo "== ruff format --check"
.venv/bin/ruff format --check .
echo "== import-linter: idtool never imports ui or PySide6, and has no import cycle"
.venv/bin/lint-imports --no-cache
echo "== mypy (strict on idtool)"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest -q "$@"
if [ "${IDTOOL_SKIP_PACKAGING:-}" = 1 ]; then
    echo "== packaging: skipped (IDTOOL_SKIP_PACKAGING=1)"
else
    echo "== packaging: build and smoke test"
    bash packaging/build.sh
    bash packaging/smoke.sh
fi
