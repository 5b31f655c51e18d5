# Shared by bench/run.sh: the scratch database, the server, tokens and memory. Sourced, not run.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
export BENCH_DIR
BENCH_PG="${BENCH_PG:-${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}}"
BENCH_BIN="${BENCH_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/credence}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-16}"
PGBENCH="${PGBENCH:-$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n1)}"
PGBENCH="${PGBENCH:-pgbench}"

psql_db() { psql "$BENCH_PG/$1" -X -q -v ON_ERROR_STOP=1 "${@:2}"; }
# One value from one query.
sql_value() { psql "$BENCH_PG/$1" -X -A -t -v ON_ERROR_STOP=1 -c "$2"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server DB PORT LOG: the release binary on DB; sets SERVER_PID; waits for /healthz.
start_server() {
  local db="$1" port="$2" log="$3"
  DATABASE_URL="$BENCH_PG/$db" \
    CREDENCE_BIND="127.0.0.1:$port" \
    CREDENCE_PUBLIC_URL="http://127.0.0.1:$port" \
    CREDENCE_DB_POOL_SIZE="${CREDENCE_DB_POOL_SIZE:-$BENCH_CONNECTIONS}" \
    CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE=1000 \
    CREDENCE_LOG="${CREDENCE_LOG:-warn}" \
    CREDENCE_WEB_DIR="$ROOT/dist" \
    "$BENCH_BIN" serve >>"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "bench: the server did not start; its log:" >&2
  tail -n 40 "$log" >&2
  return 1
}

stop_server() {
  if [[ -n "${SERVER_PID:-}" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}

# rss_kib PID: resident memory now.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# login PORT EMAIL PASSWORD: an access token.
login() {
  curl -fsS "http://127.0.0.1:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$2\",\"password\":\"$3\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
