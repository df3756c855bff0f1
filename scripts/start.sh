#!/usr/bin/env bash
# Sets everything up (first time only) and starts the program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/idtool-gui "$@"
