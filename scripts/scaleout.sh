#!/usr/bin/env bash
# The production layout on loopback: nginx (sticky per conversation) -> two Rasa instances
# with the Redis lock store, one action server, PostgreSQL. Installs the Debian packages
# when missing, runs the load test through nginx, writes bench/scaleout.md, stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || need+=(nginx)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
    apt_install "what the scale-out run needs" "${need[@]}"
    # The packages start system services; this script runs its own on free ports.
    service nginx stop >/dev/null 2>&1 || true
    service redis-server stop >/dev/null 2>&1 || true
fi
exec "${VENV:-.venv}/bin/python" deploy/scaleout.py "$@"
