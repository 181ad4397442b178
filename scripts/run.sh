#!/usr/bin/env bash
# Sets everything up and starts the web UI on http://127.0.0.1:7860 (the bundled corpus is indexed on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/benelux-qa provision
exec .venv/bin/benelux-qa serve "$@"
