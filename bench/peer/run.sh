#!/usr/bin/env bash
# The side-by-side benchmark with Redmine, one command: `make bench-peer` (or bash bench/peer/run.sh).
#
#   bench/peer/run.sh [--items N] [--reps R] [--requests N] [--quick]
#
# 1. The Redmine peer by ../shared/peer/peer-redmine.sh (Debian's redmine 5.0.4, puma 2 workers ×
#    5 threads, its own PostgreSQL 15 cluster): install if missing, set up, start, seed N issues
#    (10 projects, groups of one parent and nine children) unless it already holds exactly N.
# 2. workplan on PostgreSQL ($WORKPLAN_PEER_DATABASE_URL, dropped and re-created): the same
#    shape (bench/peer/prepare_workplan.py), served by `workplan serve` (gunicorn, defaults).
# 3. bench/peer/client.py: the same operations against both, alternating, and the table.
# Needs root (apt, the peer's cluster). Not run in CI: a full run takes about half an hour.
# --quick: 5,000 items, 2 repetitions, 40 requests per run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ITEMS=50000 REPS=3 REQUESTS=100 CREATE=200 ROLLUPS=10
while [ $# -gt 0 ]; do
  case "$1" in
    --items) ITEMS=$2; shift ;;
    --reps) REPS=$2; shift ;;
    --requests) REQUESTS=$2; shift ;;
    --quick) ITEMS=5000 REPS=2 REQUESTS=40 CREATE=100 ROLLUPS=6 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PEER_SCRIPT=${PEER_SCRIPT:-$ROOT/../shared/peer/peer-redmine.sh}
export PEER_DIR=${PEER_DIR:-/var/tmp/workplan-peer/redmine} PEER_PORT=${PEER_PORT:-3003} PEER_PG_PORT=${PEER_PG_PORT:-5443}
WP_PORT=${WORKPLAN_PEER_PORT:-8093}
WP_DB=${WORKPLAN_PEER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wp_peer_bench}
OUT=${WORKPLAN_PEER_OUT:-/var/tmp/workplan-peer/results}
mkdir -p "$OUT" "$PEER_DIR"
STAMP=$(date -u +%Y%m%d-%H%M%S)
echo "== load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

echo "== Redmine peer ($PEER_DIR, port $PEER_PORT)"
dpkg-query -W redmine >/dev/null 2>&1 || bash "$PEER_SCRIPT" install
[ -f "$PEER_DIR/api_key" ] || bash "$PEER_SCRIPT" setup
bash "$PEER_SCRIPT" start
issues() { psql -X -q -h "$PEER_DIR/pgsock" -p "$PEER_PG_PORT" -U postgres -d redmine -tAc 'select count(*) from issues'; }
if [ "$(issues)" != "$ITEMS" ]; then
  bash "$PEER_SCRIPT" clean && bash "$PEER_SCRIPT" setup && bash "$PEER_SCRIPT" start
  bash "$PEER_SCRIPT" seed "$ITEMS" sql
fi
echo "Redmine issues: $(issues)"

echo "== workplan ($WP_DB, port $WP_PORT)"
DATA=$(mktemp -d /var/tmp/workplan-peer/data-XXXX)
export WORKPLAN_DATA_DIR=$DATA DATABASE_URL=$WP_DB WORKPLAN_2FA_REQUIRED_ROLES= WORKPLAN_API_RATE_LIMIT=0
.venv/bin/python bench/peer/prepare_workplan.py --items "$ITEMS" --out "$DATA/state.json"
.venv/bin/workplan serve --port "$WP_PORT" > "$DATA/serve.log" 2>&1 &
WP_PID=$!
trap 'kill -TERM $WP_PID 2>/dev/null || true; wait $WP_PID 2>/dev/null || true; bash "$PEER_SCRIPT" stop' EXIT
for _ in $(seq 1 120); do
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$WP_PORT/login/" && break
  sleep 0.5
done

echo "== the runs (alternating)"
.venv/bin/python bench/peer/client.py --workplan-state "$DATA/state.json" --workplan-port "$WP_PORT" \
  --workplan-pid "$WP_PID" --redmine-port "$PEER_PORT" --redmine-key-file "$PEER_DIR/api_key" \
  --redmine-pid "$(cat "$PEER_DIR/puma.pid")" --reps "$REPS" --requests "$REQUESTS" --create "$CREATE" \
  --rollups "$ROLLUPS" | tee "$OUT/peer-$STAMP.txt"
echo "== results in $OUT/peer-$STAMP.txt; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
