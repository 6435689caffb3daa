#!/usr/bin/env bash
# Install the offline bundle with every registry unreachable, then run the demo: prints the
# bundle's size and the install time. Usage: scripts/test-bundle.sh dist/workplan-bundle-*.tar.gz
set -euo pipefail
BUNDLE=$(realpath "$1")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
tar -C "$WORK" -xzf "$BUNDLE"
# Every way pip could reach a registry points nowhere: no config files, a dead index.
export PIP_CONFIG_FILE=/dev/null PIP_INDEX_URL=http://127.0.0.1:9/simple PIP_EXTRA_INDEX_URL= PIP_FIND_LINKS=
export npm_config_registry=http://127.0.0.1:9/ HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9
started=$(date +%s)
sh "$WORK"/workplan-bundle-*/install.sh "$WORK/site"
installed=$(date +%s)
WORKPLAN_DATA_DIR="$WORK/data" "$WORK/site/.venv/bin/workplan" demo --no-serve | tail -1
test -f "$WORK/site/.venv/lib/python3.11/site-packages/workplan/web/static/vendor/htmx.min.js"
# A PDF report renders with the bundle's own font (looked for before the system's).
test -f "$WORK/site/.venv/share/workplan/fonts/wqy-zenhei.ttc"
WORKPLAN_DATA_DIR="$WORK/data" "$WORK/site/.venv/bin/workplan" report bulletin 1 --period 2019-06 -o "$WORK/bulletin.pdf" >/dev/null
test "$(head -c 5 "$WORK/bulletin.pdf")" = "%PDF-"
echo "bundle $(du -h "$BUNDLE" | cut -f1), installed offline in $((installed - started)) s; the demo runs"
