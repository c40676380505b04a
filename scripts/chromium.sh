#!/usr/bin/env bash
# Headless Chromium for the browser tests: installs Debian's chromium when missing (as root),
# then prints its path.
set -euo pipefail
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; exit 0; fi
done
if [ "$(id -u)" != 0 ]; then
    echo "Chromium is not installed; run as root or: apt-get install chromium" >&2
    exit 69
fi
echo "installing Chromium (Debian package chromium)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
command -v chromium
