#!/usr/bin/env bash
# Scores the parser on this folder's plans with the shared scorer.
set -euo pipefail
cd "$(dirname "$0")/../.."
.venv/bin/python ../shared/tools/score_parse.py bench/tuning2 --cmd '.venv/bin/workplan parse {} --format json'
