#!/usr/bin/env bash
# Runs every benchmark and prints its figures: SQLite always, PostgreSQL when it answers.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${WORKPLAN_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/wp_bench}

echo "== parser (200-page plan, .txt and .docx)"
$PY bench/bench_parse.py
for script in bench_synth bench_breakdown bench_api bench_ledgers bench_reports bench_history; do
  echo "== $script (SQLite)"
  env -u DATABASE_URL $PY bench/$script.py
  if $PY -c "import psycopg,sys; psycopg.connect(sys.argv[1].rsplit('/',1)[0] + '/postgres', connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
    echo "== $script (PostgreSQL)"
    DATABASE_URL=$PG_URL $PY bench/$script.py
  fi
done
