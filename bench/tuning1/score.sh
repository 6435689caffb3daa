#!/usr/bin/env sh
# Score the plan parser against the tuning set in this folder with the shared scorer
# (../shared/tools/score_parse.py beside the repository, or $WORKPLAN_SHARED/tools).
# Extra arguments go to the scorer, e.g. --json or --min-items 0.95.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${WORKPLAN_SHARED:-$here/../shared}
if [ ! -x "$here/.venv/bin/workplan" ]; then
    (cd "$here" && make setup)
fi
exec "$here/.venv/bin/python" "$shared/tools/score_parse.py" "$here/bench/tuning1" \
    --cmd "$here/.venv/bin/workplan parse {} --format json" "$@"
