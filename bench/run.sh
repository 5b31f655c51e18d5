#!/usr/bin/env bash
# `make bench`: the measuring instrument. On a scratch PostgreSQL database (dropped at the end)
# with the demo data plus N candidates for one client (bench/seed.sql), for each N in
# BENCH_SIZES it runs the release server under wrk and each endpoint's own SQL under pgbench
# at the same concurrency, then the invite path, then a results.csv export of
# BENCH_EXPORT_ROWS scored rows and the same candidates' candidates/export.csv, and prints the ratios (bench/report.py). Numbers, no
# assertions: it fails only when something does not run.
#
#   BENCH_SIZES="10000 1000000"  candidates per run, ascending (each adds to the last)
#   BENCH_SECONDS=10             each wrk / pgbench run (after BENCH_WARMUP_SECONDS=2 of warm-up)
#   BENCH_CONNECTIONS=16         wrk connections = pgbench clients = the server's pool
#   BENCH_EXPORT_ROWS=200000     scored rows in the results.csv export (0: skip)
#   BENCH_BIN                    the release binary (default $CARGO_TARGET_DIR/release/credence)
#   BENCH_DB=credence_bench      the scratch database (dropped before and after)
#   BENCH_OUT                    where the logs and results go (default a temp directory)
#   BENCH_DIST                   the built SPA whose sizes are listed (default dist/)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BENCH_SIZES="${BENCH_SIZES:-10000 1000000}"
BENCH_SECONDS="${BENCH_SECONDS:-10}"
BENCH_WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-2}"
BENCH_EXPORT_ROWS="${BENCH_EXPORT_ROWS:-200000}"
BENCH_DB="${BENCH_DB:-credence_bench}"
BENCH_OUT="${BENCH_OUT:-$(mktemp -d /tmp/credence-bench.XXXXXX)}"
SEARCH="${BENCH_SEARCH:-okafor}"
mkdir -p "$BENCH_OUT"
RESULTS="$BENCH_OUT/results.txt"
: >"$RESULTS"
LOG="$BENCH_OUT/server.log"
THREADS=$(( BENCH_CONNECTIONS < 2 ? 1 : 2 ))

for tool in wrk psql curl python3 "$PGBENCH"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done
[[ -x "$BENCH_BIN" ]] || { echo "bench: no release binary at $BENCH_BIN (make api)" >&2; exit 1; }

cleanup() {
  stop_server
  psql "$BENCH_PG/postgres" -X -q -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

result() { echo "$1 $2" >>"$RESULTS"; }
say() { echo "bench: $*" >&2; }

# measure_export NAME LABEL URL: downloads URL as the client, sampling the server's RSS every
# 50 ms; records NAME.rows/ttfb_s/total_s/bytes/rss_before_kib/rss_peak_kib.
measure_export() {
  local name="$1" label="$2" url="$3" before peak_file sampler timing ttfb total bytes rows
  rm -f "$BENCH_OUT/export-done"
  before=$(rss_kib "$SERVER_PID")
  peak_file="$BENCH_OUT/$name-peak"
  ( peak=$before; while kill -0 "$SERVER_PID" 2>/dev/null && [[ ! -e "$BENCH_OUT/export-done" ]]; do
      now=$(rss_kib "$SERVER_PID" || echo 0); (( now > peak )) && peak=$now; echo "$peak" >"$peak_file"; sleep 0.05
    done ) &
  sampler=$!
  timing=$(curl -fsS -o "$BENCH_OUT/export.csv" -H "Authorization: Bearer $CLIENT_TOKEN" \
    -w '%{time_starttransfer} %{time_total} %{size_download}' "$url")
  touch "$BENCH_OUT/export-done"
  wait "$sampler" || true
  read -r ttfb total bytes <<<"$timing"
  rows=$(( $(wc -l <"$BENCH_OUT/export.csv") - 1 ))
  result "$name.rows" "$rows"
  result "$name.ttfb_s" "$ttfb"
  result "$name.total_s" "$total"
  result "$name.bytes" "$bytes"
  result "$name.rss_before_kib" "$before"
  result "$name.rss_peak_kib" "$(cat "$peak_file")"
  say "$label: $rows rows, first byte after ${ttfb}s, all after ${total}s"
  rm -f "$BENCH_OUT/export.csv"
}

# wrk_run NAME URL [SCRIPT]: warm-up, then the measured run; records rps and p50 of NAME.
wrk_run() {
  local name="$1" url="$2" script="${3:-get.lua}" line
  wrk -t"$THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP_SECONDS}s" --timeout 10s -s "$BENCH_DIR/wrk/$script" "$url" >/dev/null
  line=$(wrk -t"$THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --timeout 10s -s "$BENCH_DIR/wrk/$script" "$url" |
    tee -a "$BENCH_OUT/wrk.log" | sed -n 's/^WRK_JSON //p')
  [[ -n "$line" ]] || { say "wrk gave no result for $name"; exit 1; }
  python3 - "$name" "$line" >>"$RESULTS" <<'EOF'
import json, sys
name, r = sys.argv[1], json.loads(sys.argv[2])
print(f"{name}.rps {r['rps']}\n{name}.p50 {r['p50_ms']}\n{name}.p99 {r['p99_ms']}")
print(f"{name}.errors {r['non2xx'] + r['socket_errors']}")
EOF
  say "$name: $(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print("%.0f req/s, p50 %.2f ms, errors %d" % (r["rps"], r["p50_ms"], r["non2xx"] + r["socket_errors"]))' "$line")"
}

CANDIDATE_IDS='{}' INVITATION_IDS='{}' PROJECT_IDS='{}'
# page_ids WHERE: the ids the API's follow-up queries are given for the first page (50) of the
# candidates matching WHERE, newest first — the same on every request of a read-only run.
page_ids() {
  CANDIDATE_IDS=$(sql_value "$BENCH_DB" "SELECT coalesce(array_agg(id), '{}') FROM
    (SELECT id FROM candidates WHERE $1 ORDER BY id DESC LIMIT 50) p")
  INVITATION_IDS=$(sql_value "$BENCH_DB" "SELECT coalesce(array_agg(id), '{}') FROM invitations
    WHERE candidate_id = ANY('$CANDIDATE_IDS'::text[])")
  PROJECT_IDS=$(sql_value "$BENCH_DB" "SELECT coalesce(array_agg(DISTINCT project_id), '{}') FROM invitations
    WHERE candidate_id = ANY('$CANDIDATE_IDS'::text[])")
}

# pgbench_run NAME SCRIPT: the endpoint's SQL at the same concurrency; records tps.
pgbench_run() {
  local name="$1" script="$2" tps
  tps=$("$PGBENCH" -n -c "$BENCH_CONNECTIONS" -j "$THREADS" -T "$BENCH_SECONDS" -M prepared \
    -D reseller_id="$RESELLER_ID" -D client_id="$CLIENT_ID" -D project_id="$PROJECT_ID" -D q="%$SEARCH%" \
    -D candidate_ids="$CANDIDATE_IDS" -D invitation_ids="$INVITATION_IDS" \
    -D project_ids="$PROJECT_IDS" -f "$BENCH_DIR/pgbench/$script" \
    "$BENCH_PG/$BENCH_DB" 2>>"$BENCH_OUT/pgbench.log" | tee -a "$BENCH_OUT/pgbench.log" |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  [[ -n "$tps" ]] || { say "pgbench gave no result for $name (see $BENCH_OUT/pgbench.log)"; exit 1; }
  result "$name.tps" "$tps"
  say "$name: pgbench $tps tps"
}

say "scratch database $BENCH_DB; logs in $BENCH_OUT"
psql "$BENCH_PG/postgres" -X -q -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB" >/dev/null
DATABASE_URL="$BENCH_PG/$BENCH_DB" "$BENCH_BIN" migrate >>"$LOG" 2>&1
DATABASE_URL="$BENCH_PG/$BENCH_DB" "$BENCH_BIN" seed-demo >>"$LOG" 2>&1
PROJECT_ID=$(sql_value "$BENCH_DB" "SELECT id FROM projects WHERE name = 'Graduate Scheme 2027'")
CLIENT_ID=$(sql_value "$BENCH_DB" "SELECT client_id FROM projects WHERE id = '$PROJECT_ID'")
RESELLER_ID=$(sql_value "$BENCH_DB" "SELECT reseller_id FROM clients WHERE id = '$CLIENT_ID'")
export BENCH_PROJECT="$PROJECT_ID"

seeded=0
for size in $BENCH_SIZES; do
  if (( size > seeded )); then
    say "seeding candidates $seeded..$size"
    started=$SECONDS
    # Credits for the invites the runs make (the charges of the seeded rows pay for themselves).
    psql_db "$BENCH_DB" -v from="$seeded" -v to="$size" -v project="$PROJECT_ID" -v scored=0 \
      -v topup=10000000 -f "$BENCH_DIR/seed.sql"
    psql_db "$BENCH_DB" -c "VACUUM ANALYZE"
    result "seed.$size.seconds" $(( SECONDS - started ))
    seeded=$size
  fi
  port=$(free_port)
  start_server "$BENCH_DB" "$port" "$LOG"
  base="http://127.0.0.1:$port"
  sleep 1
  result "$size.rss_idle_kib" "$(rss_kib "$SERVER_PID")"
  RESELLER_TOKEN=$(login "$port" reseller@credence.local credence-reseller-demo)
  CLIENT_TOKEN=$(login "$port" client@credence.local credence-client-demo)

  BENCH_TOKEN="$RESELLER_TOKEN" wrk_run "$size.reseller_list" "$base/api/v1/candidates?limit=50"
  page_ids "reseller_id = '$RESELLER_ID'"
  pgbench_run "$size.reseller_list" reseller_list.sql
  BENCH_TOKEN="$RESELLER_TOKEN" wrk_run "$size.reseller_search" "$base/api/v1/candidates?limit=50&q=$SEARCH"
  page_ids "reseller_id = '$RESELLER_ID' AND (lower(first_name || ' ' || last_name) LIKE '%$SEARCH%'
    OR lower(email) LIKE '%$SEARCH%')"
  pgbench_run "$size.reseller_search" reseller_search.sql
  BENCH_TOKEN="$CLIENT_TOKEN" wrk_run "$size.client_list" "$base/api/v1/candidates?limit=50"
  page_ids "client_id = '$CLIENT_ID'"
  pgbench_run "$size.client_list" client_list.sql
  BENCH_TOKEN="$CLIENT_TOKEN" wrk_run "$size.results" "$base/api/v1/projects/$PROJECT_ID/results?limit=50"
  INVITATION_IDS=$(sql_value "$BENCH_DB" "SELECT coalesce(array_agg(id), '{}') FROM
    (SELECT id FROM invitations WHERE project_id = '$PROJECT_ID' ORDER BY id DESC LIMIT 50) p")
  pgbench_run "$size.results" results.sql
  BENCH_TOKEN="" wrk_run "$size.healthz" "$base/healthz"
  BENCH_TOKEN="$CLIENT_TOKEN" wrk_run "$size.me" "$base/api/v1/me"
  # Invites last: they add candidates.
  BENCH_TOKEN="$CLIENT_TOKEN" BENCH_RUN="$size" wrk_run "$size.invite" "$base/api/v1/candidates" invite.lua
  pgbench_run "$size.ledger" ledger.sql
  result "$size.rss_loaded_kib" "$(rss_kib "$SERVER_PID")"
  stop_server
done

if (( BENCH_EXPORT_ROWS > 0 )); then
  say "seeding a project with $BENCH_EXPORT_ROWS scored candidates"
  EXPORT_ID=$(sql_value "$BENCH_DB" "
    INSERT INTO projects (id, client_id, name, description, access_key, access_key_enabled, expires_at,
                          support_name, support_email, report_email, active, created_at, updated_at,
                          self_registration_daily_cap, reminder_after_days, reminder_max)
    SELECT '00000000-bench-7000-8000-export000000', client_id, 'Bench export', NULL, NULL, FALSE, NULL,
           NULL, NULL, NULL, TRUE, created_at, updated_at, 50, NULL, 1
    FROM projects WHERE id = '$PROJECT_ID' RETURNING id" | head -n1)
  psql_db "$BENCH_DB" -c "INSERT INTO project_tests (project_id, test_id, norm_group_id, position)
    SELECT '$EXPORT_ID', test_id, norm_group_id, position FROM project_tests WHERE project_id = '$PROJECT_ID'"
  psql_db "$BENCH_DB" -v from="$seeded" -v to="$(( seeded + BENCH_EXPORT_ROWS ))" -v project="$EXPORT_ID" \
    -v scored=1 -v topup=0 -f "$BENCH_DIR/seed.sql"
  psql_db "$BENCH_DB" -c "VACUUM ANALYZE"
  port=$(free_port)
  start_server "$BENCH_DB" "$port" "$LOG"
  CLIENT_TOKEN=$(login "$port" client@credence.local credence-client-demo)
  measure_export export "results.csv" "http://127.0.0.1:$port/api/v1/projects/$EXPORT_ID/results.csv"
  # The same people as the client's candidate export (data protection's "export your candidates").
  measure_export candidates_export "candidates/export.csv" \
    "http://127.0.0.1:$port/api/v1/candidates/export.csv?project_id=$EXPORT_ID"
  stop_server
fi

DIST="${BENCH_DIST:-$ROOT/dist}"
if [[ -d "$DIST" ]]; then
  while IFS= read -r f; do
    br=$([[ -f "$f.br" ]] && stat -c %s "$f.br" || echo 0)
    echo "spa ${f#"$DIST/"} $(stat -c %s "$f") $br" >>"$RESULTS"
  done < <(find "$DIST" -type f \( -name '*.wasm' -o -name '*.js' \) | sort)
fi

python3 "$BENCH_DIR/report.py" "$RESULTS" \
  --sizes "$BENCH_SIZES" --seconds "$BENCH_SECONDS" --connections "$BENCH_CONNECTIONS" | tee "$BENCH_OUT/table.txt"
