#!/usr/bin/env bash
# Headless Chromium for the browser tests: installs Debian's chromium when missing (as root),
# then prints its path.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; exit 0; fi
done
apt_install Chromium chromium
command -v chromium
