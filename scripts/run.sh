#!/usr/bin/env bash
# `make run`: the action server, the Rasa server (REST and Socket.IO channels) and the console with
# the chat page, all on localhost by default. Prints one line with the URLs once all three answer.
# Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
HOST=${DOORVRAAG_HOST:-127.0.0.1}
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
CONSOLE_PORT=${DOORVRAAG_CONSOLE_PORT:-8000}
READY_TIMEOUT=${DOORVRAAG_READY_TIMEOUT:-300}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

# Rasa's HTTP API is on only with a token (the console uses it to let staff take over a
# conversation); a random one per run unless RASA_TOKEN is set.
export RASA_TOKEN=${RASA_TOKEN:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')}
export RASA_URL="http://127.0.0.1:$RASA_PORT"
# The chat page (served by the console) talks to Rasa's Socket.IO from another origin.
export DOORVRAAG_CHAT_SOCKET_URL=${DOORVRAAG_CHAT_SOCKET_URL:-http://$HOST:$RASA_PORT}
CHAT_ORIGIN=${DOORVRAAG_CHAT_ORIGIN:-http://127.0.0.1:$CONSOLE_PORT}

# A port that is taken is named before anything starts (another `make run`, say).
for spec in "Rasa server:$HOST:$RASA_PORT:RASA_PORT" "action server:127.0.0.1:$ACTION_PORT:ACTION_PORT" \
            "console:127.0.0.1:$CONSOLE_PORT:DOORVRAAG_CONSOLE_PORT"; do
    IFS=: read -r what host port variable <<<"$spec"
    if ! "$BIN/python" -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], int(sys.argv[2])))' \
            "$host" "$port" 2>/dev/null; then
        echo "error: port $port ($what) is already in use on $host. Stop what runs there," >&2
        echo "       or choose another port: make run $variable=<port>" >&2
        exit 1
    fi
done

# Third-party DeprecationWarnings (TensorFlow, jax, pkg_resources, SQLAlchemy, ...) are dropped from the
# output, with the source line Python prints under each; warnings from our own code still show.
quiet() { "$BIN/python" scripts/lib/quiet_warnings.py; }

pids=()
stop_all() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all EXIT INT TERM

SANIC_HOST=127.0.0.1 "$BIN/python" -m rasa_sdk --actions actions --port "$ACTION_PORT" > >(quiet) 2>&1 &
pids+=($!)
"$BIN/doorvraag" console --host 127.0.0.1 --port "$CONSOLE_PORT" > >(quiet) 2>&1 &
pids+=($!)
"$BIN/rasa" run --model models/doorvraag.tar.gz --interface "$HOST" --port "$RASA_PORT" \
    --endpoints endpoints.yml --credentials credentials.yml --enable-api --auth-token "$RASA_TOKEN" \
    --cors "$CHAT_ORIGIN" > >(quiet) 2>&1 &
pids+=($!)

echo "Doorvraag is starting (Rasa loads its model; this takes a minute) ..."
if ! "$BIN/python" scripts/lib/wait_ready.py --timeout "$READY_TIMEOUT" --pids "${pids[@]}" -- \
        "Rasa server=http://$HOST:$RASA_PORT/" \
        "action server=http://127.0.0.1:$ACTION_PORT/health" \
        "console=http://127.0.0.1:$CONSOLE_PORT/chat"; then
    exit 1
fi
cat <<MSG

Doorvraag is klaar: chat http://127.0.0.1:$CONSOLE_PORT/chat · console http://127.0.0.1:$CONSOLE_PORT/ · Rasa http://$HOST:$RASA_PORT/webhooks/rest/webhook
  First staff account: .venv/bin/doorvraag user add NAME --role admin
  Try it:  curl -s -X POST http://$HOST:$RASA_PORT/webhooks/rest/webhook \\
             -H 'Content-Type: application/json' -d '{"sender": "demo-1", "message": "hoi"}'
  Ctrl-C stops everything.

MSG
# Runs until Ctrl-C, or until one of the three stops (then the others are stopped too).
wait -n "${pids[@]}"
echo "error: one of the servers stopped; stopping the others." >&2
exit 1
