#!/usr/bin/env bash
# Set up a fresh machine for kerastutor: a virtual environment in .venv with the
# package and its extras (JupyterLab and Notebook 7 among them), plus the system programs graphviz (`dot`, for diagrams)
# and, for the test suite, Debian's chromium (for the real-browser test).
# Usage: bash tools/setup.sh notebook   # what the lessons need
#        bash tools/setup.sh dev        # what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${1:-notebook}

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extra]"

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
# A CJK font, for Chinese text in the Chinese lessons, their diagrams and screenshots.
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
if [ "$extra" = dev ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing ${missing[*]} with apt-get ..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
