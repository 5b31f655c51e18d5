#!/usr/bin/env bash
# Runs the browser journeys against a freshly started `credence serve` with a throwaway database
# and a local SMTP catcher. Exit code: Playwright's.
#
#   CREDENCE_BIN=target/debug/credence [CREDENCE_WEB_DIR=dist] [E2E_DATABASE=postgres] \
#     bash e2e/run.sh [playwright args...]
#
# E2E_DATABASE=postgres runs the server on a fresh PostgreSQL database (TEST_POSTGRES_URL,
# default postgres://postgres@127.0.0.1:5432), dropped afterwards; the default is SQLite.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

: "${CREDENCE_BIN:?set CREDENCE_BIN to the built credence binary}"
CREDENCE_WEB_DIR="${CREDENCE_WEB_DIR:-dist}"
bin="$(cd "$(dirname "$CREDENCE_BIN")" && pwd)/$(basename "$CREDENCE_BIN")"
case "$CREDENCE_WEB_DIR" in
  /*) web_dir="$CREDENCE_WEB_DIR" ;;
  *) web_dir="$(pwd)/$CREDENCE_WEB_DIR" ;;
esac
[[ -x "$bin" ]] || { echo "run.sh: $bin is not an executable" >&2; exit 2; }
[[ -f "$web_dir/index.html" ]] || { echo "run.sh: $web_dir/index.html is missing (make web)" >&2; exit 2; }
[[ -x "$here/node_modules/.bin/playwright" ]] || (cd "$here" && npm ci --no-audit --no-fund)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/credence-e2e.XXXXXX")"
port="$(free_port)"
smtp_port="$(free_port)"
while [[ "$smtp_port" == "$port" ]]; do smtp_port="$(free_port)"; done
mail_dir="$tmp/mail"
mkdir -p "$mail_dir"

server_pid=""
mail_pid=""
pg_db=""
pg_base="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
cleanup() {
  local rc=$?
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [[ -n "$mail_pid" ]] && kill "$mail_pid" 2>/dev/null && wait "$mail_pid" 2>/dev/null || true
  [[ -n "$pg_db" ]] && psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ $rc -ne 0 ]]; then
    echo "run.sh: server log: $tmp/server.log, mail: $mail_dir" >&2
  else
    rm -rf "$tmp"
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

python3 "$here/mailcatcher.py" "$smtp_port" "$mail_dir" >"$tmp/mail.log" 2>&1 &
mail_pid=$!

case "${E2E_DATABASE:-sqlite}" in
  sqlite) export DATABASE_URL="$tmp/e2e.db" ;;
  postgres)
    pg_db="credence_e2e_$$"
    psql "$pg_base/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
    export DATABASE_URL="$pg_base/$pg_db"
    ;;
  *) echo "run.sh: E2E_DATABASE must be sqlite or postgres" >&2; exit 2 ;;
esac
echo "run.sh: journeys on ${E2E_DATABASE:-sqlite}"
export CREDENCE_BIND="127.0.0.1:$port"
export CREDENCE_PUBLIC_URL="http://127.0.0.1:$port"
export CREDENCE_SMTP_URL="smtp://127.0.0.1:$smtp_port"
export CREDENCE_WEB_DIR="$web_dir"
export CREDENCE_MAIL_POLL_MS=200
# The vendor-integration journey delivers webhooks to a local receiver over http.
export CREDENCE_WEBHOOK_ALLOW=127.0.0.1
# Many journeys sign in from one IP within a minute; throttling itself is covered by the API tests.
export CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE=500
export CREDENCE_HOUSEKEEPING_MS=1000
# The billing calendar starts mid-month, so "this month's draft" stays a draft even when a run
# crosses midnight at a month's end (housekeeping issues closed months every second).
export CREDENCE_BILLING_CLOCK="${CREDENCE_BILLING_CLOCK:-2026-06-15T12:00:00Z}"

ADMIN_EMAIL="admin@e2e.test"
ADMIN_PASSWORD="E2e-admin-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"

printf '%s' "$ADMIN_PASSWORD" | "$bin" create-admin --email "$ADMIN_EMAIL" --name "E2E Admin" --password-stdin

"$bin" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: credence serve exited early:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "run.sh: server never became healthy" >&2; cat "$tmp/server.log" >&2; exit 1; }
mail_up=0
for _ in $(seq 1 50); do
  if python3 -c "import socket; socket.create_connection(('127.0.0.1', $smtp_port), 1).close()" 2>/dev/null; then
    mail_up=1
    break
  fi
  if ! kill -0 "$mail_pid" 2>/dev/null; then break; fi
  sleep 0.2
done
if [[ $mail_up -ne 1 ]]; then
  echo "run.sh: the mail catcher never listened on port $smtp_port:" >&2
  cat "$tmp/mail.log" >&2
  exit 1
fi

export E2E_BASE_URL="http://127.0.0.1:$port"
export E2E_MAIL_DIR="$mail_dir"
export E2E_ADMIN_EMAIL="$ADMIN_EMAIL"
export E2E_ADMIN_PASSWORD="$ADMIN_PASSWORD"

set +e
(cd "$here" && npx --no-install playwright test "$@")
rc=$?
set -e
exit $rc
