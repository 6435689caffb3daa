#!/usr/bin/env sh
# The parser's scores on every labelled set, each set on its own: the shared samples, the
# tuning sets and the blind sets of real published plans (see bench/score_real.py).
# Extra arguments go to bench/score_real.py, e.g. --docs, --json or --set real-blind-2.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$here/.venv/bin/workplan" ]; then
    (cd "$here" && make setup)
fi
exec "$here/.venv/bin/python" "$here/bench/score_real.py" "$@"
