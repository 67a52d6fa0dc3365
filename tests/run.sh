#!/usr/bin/env bash
# The test command: sets up a fresh machine (tools/setup.sh dev), checks the code
# with ruff (lint, then formatting), then runs the engine, widget and browser tests
# and the lesson notebooks (nbval, strict).
# Usage: bash tests/run.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest --nbval tests lessons "$@"
