#!/usr/bin/env bash
# Runs the browser, live-server and fault tests N times in a row on a fresh clone of HEAD and prints
# how many runs failed: a flaky test shows up here before it rejects someone's work.
#   scripts/soak-tests.sh [N]     (default 10; `make soak N=...` does the same)
set -uo pipefail
runs=${1:-10}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/doorvraag-soak-XXXXXX")
echo "soak: fresh clone of $(git -C "$src" rev-parse --short HEAD) in $work/clone"
git clone -q "$src" "$work/clone"
cd "$work/clone" || exit 2
if ! make setup train >"$work/setup.log" 2>&1; then
    echo "soak: set-up failed, see $work/setup.log"
    exit 2
fi
failures=0
for i in $(seq 1 "$runs"); do
    if .venv/bin/python -m pytest -q -p no:cacheprovider -m "server or browser" >"$work/run-$i.log" 2>&1; then
        result="passed"
    else
        failures=$((failures + 1))
        result="FAILED, see $work/run-$i.log"
    fi
    echo "run $i/$runs: $result ($(tail -n 1 "$work/run-$i.log" | tr -d '='))"
done
echo "soak: $runs runs, $failures failed"
[ "$failures" -eq 0 ]
