#!/usr/bin/env bash
# Sets everything up, indexes the bundled corpus (skipped when unchanged) and starts the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/benelux-qa provision
.venv/bin/benelux-qa ingest
