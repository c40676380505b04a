#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the tests and for trying the
# product on PostgreSQL:
#   scripts/postgres.sh start DIR   installs the Debian package if missing, creates a
#                                   cluster in DIR, starts it on a free 127.0.0.1 port
#                                   and prints its base URL (postgresql://doorvraag@127.0.0.1:PORT)
#   scripts/postgres.sh stop DIR    stops it (DIR can then be removed, or started again
#                                   with `start DIR` on the same port and data)
# The cluster trusts local connections: it only listens on 127.0.0.1 and lives as
# long as the test run. Never use it for real data.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"

command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 64; }

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

ensure_installed() {
    if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
        apt_install PostgreSQL postgresql
    fi
}

# PostgreSQL refuses to run as root: as root, run the server as the postgres user.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 "$(dirname "$0")/../tests/ports.py" "$PPID"
}

case "$command" in
start)
    ensure_installed
    bin=$(pg_bin)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
    if [ -f "$dir/data/PG_VERSION" ] && [ -f "$dir/port" ]; then
        port=$(cat "$dir/port")          # a stopped cluster starts again where it was
    else
        as_owner "$bin/initdb" -D "$dir/data" -U doorvraag -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
        port=$(free_port)
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "postgresql://doorvraag@127.0.0.1:$port"
    ;;
stop)
    bin=$(pg_bin)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 64 ;;
esac
