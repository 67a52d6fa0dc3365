#!/usr/bin/env bash
# Set up a fresh machine (tools/setup.sh notebook) and open the lessons in JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh notebook
# Jupyter refuses to run as root unless told; containers and cloud machines often are root.
root_flag=()
if [ "$(id -u)" -eq 0 ]; then root_flag=(--allow-root); fi
exec .venv/bin/jupyter lab lessons/ "${root_flag[@]}" "$@"
