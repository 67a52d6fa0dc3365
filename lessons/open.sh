#!/usr/bin/env bash
# Set up a fresh machine (tools/setup.sh notebook) and open the lessons in JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh notebook
exec .venv/bin/jupyter lab lessons/ "$@"
