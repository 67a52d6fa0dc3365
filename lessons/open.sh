#!/usr/bin/env bash
# Set up a fresh machine (tools/setup.sh notebook: JupyterLab, Notebook 7, ipywidgets,
# graphviz, a CJK font) and open the lessons.
# Usage: bash lessons/open.sh            # in JupyterLab
#        bash lessons/open.sh notebook   # in Notebook 7 (the classic one-notebook-a-tab look)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh notebook
app=lab
if [ "${1:-}" = notebook ]; then
  app=notebook
  shift
fi
# The lessons are stored with their widgets' saved state. Jupyter draws stored widgets
# only in notebooks it trusts (elsewhere it shows their text form), so trust these,
# the project's own: opened before running, they show their widgets as they were.
.venv/bin/jupyter trust lessons/*.ipynb lessons/zh-CN/*.ipynb >/dev/null
# Jupyter refuses to run as root unless told; containers and cloud machines often are root.
root_flag=()
if [ "$(id -u)" -eq 0 ]; then root_flag=(--allow-root); fi
exec .venv/bin/jupyter "$app" lessons/ "${root_flag[@]}" "$@"
