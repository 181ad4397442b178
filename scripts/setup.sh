#!/usr/bin/env bash
# Creates .venv at the repo root with everything the project needs; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

stamp=".venv/.installed-$(cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/pip install --quiet --upgrade pip
    # torch first: pip then takes the CPU build that lies on this machine's disk (see ../shared/MODELS.md).
    .venv/bin/pip install --quiet torch==2.13.0
    # llama-cpp-python is source-only: the first install compiles it (~8 min on 2 cores), later ones use pip's cache.
    .venv/bin/pip install --quiet -c constraints.txt -e ".[test]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
