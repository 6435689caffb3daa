#!/usr/bin/env sh
# Score the plan parser against the hand-labelled samples (../shared/plans) with the shared
# scorer. Extra arguments go to the scorer, e.g. --json or --min-items 0.95.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${WORKPLAN_SHARED:-$here/../shared}
exec "$here/.venv/bin/python" "$shared/tools/score_parse.py" "$shared/plans" \
    --cmd "$here/.venv/bin/workplan parse {} --format json" "$@"
