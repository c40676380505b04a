#!/usr/bin/env bash
# Start the action server and the Rasa server (REST channel), both on localhost
# by default. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
HOST=${DOORVRAAG_HOST:-127.0.0.1}
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

CONSOLE_PORT=${DOORVRAAG_CONSOLE_PORT:-8000}
# Rasa's HTTP API is on only with a token (the console uses it to let staff take over a
# conversation); a random one per run unless RASA_TOKEN is set.
export RASA_TOKEN=${RASA_TOKEN:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')}
export RASA_URL="http://127.0.0.1:$RASA_PORT"
# The chat page (served by the console) talks to Rasa's Socket.IO from another origin.
export DOORVRAAG_CHAT_SOCKET_URL=${DOORVRAAG_CHAT_SOCKET_URL:-http://$HOST:$RASA_PORT}
CHAT_ORIGIN=${DOORVRAAG_CHAT_ORIGIN:-http://127.0.0.1:$CONSOLE_PORT}

SANIC_HOST=127.0.0.1 "$BIN/python" -m rasa_sdk --actions actions --port "$ACTION_PORT" &
ACTIONS_PID=$!
"$BIN/doorvraag" console --host 127.0.0.1 --port "$CONSOLE_PORT" &
CONSOLE_PID=$!
trap 'kill $ACTIONS_PID $CONSOLE_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG

Doorvraag is starting:
  Rasa server (REST channel): http://$HOST:$RASA_PORT/webhooks/rest/webhook
  Action server:              http://localhost:$ACTION_PORT/webhook
  Chat page:                  http://127.0.0.1:$CONSOLE_PORT/chat
  Staff console, dashboard:   http://127.0.0.1:$CONSOLE_PORT/
    (first admin: .venv/bin/doorvraag user add NAME --role admin)
Try it:
  curl -s -X POST http://$HOST:$RASA_PORT/webhooks/rest/webhook \\
       -H 'Content-Type: application/json' \\
       -d '{"sender": "demo-1", "message": "hoi"}'

MSG
"$BIN/rasa" run --model models/doorvraag.tar.gz --interface "$HOST" --port "$RASA_PORT" \
    --endpoints endpoints.yml --credentials credentials.yml --enable-api --auth-token "$RASA_TOKEN" \
    --cors "$CHAT_ORIGIN"
