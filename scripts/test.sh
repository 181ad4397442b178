#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (real models, real Chroma, a real chroma server,
# a real headless Chromium for the UI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/install-browser.sh
.venv/bin/benelux-qa provision
exec .venv/bin/python -m pytest "$@"
