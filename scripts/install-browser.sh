#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (Playwright drives it; it must not download its own).
# Idempotent and quiet: does nothing when /usr/bin/chromium exists. Needs root (or sudo) to install.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version >/dev/null
