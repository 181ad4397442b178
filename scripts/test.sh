#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (real models, real Chroma, a real chroma server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/benelux-qa provision
exec .venv/bin/python -m pytest "$@"
