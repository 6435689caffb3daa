#!/usr/bin/env bash
# Build the offline installer: one archive with every wheel workplan needs on this platform
# (the project's own wheel carries the web assets and the compiled catalogues) and an install
# script that uses nothing else: an air-gapped office installs it from a USB stick.
#   scripts/bundle.sh            → dist/workplan-bundle-<version>-<platform>.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
VERSION=$($PYTHON -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
PLATFORM=$($PYTHON -c "import sysconfig;print(sysconfig.get_platform().replace('-','_'))")-py$($PYTHON -c "import sys;print(f'{sys.version_info[0]}{sys.version_info[1]}')")
NAME=workplan-bundle-$VERSION-$PLATFORM
STAGE=$(mktemp -d)/$NAME
mkdir -p "$STAGE/wheels" dist

test -f src/workplan/web/static/vendor/htmx.min.js || { echo "the web assets are missing: run make setup first" >&2; exit 2; }
$PYTHON -m workplan.core.translations compile
$PYTHON -m pip wheel --quiet --wheel-dir "$STAGE/wheels" . 2>&1 | grep -v "^WARNING: Location" || true
test -n "$(ls "$STAGE"/wheels/workplan-*.whl 2>/dev/null)" || { echo "building the wheels failed" >&2; exit 2; }

# The Chinese font for PDF reports (fonts-wqy-zenhei, GPL with the font embedding exception):
# an air-gapped machine cannot apt-get it.
FONT=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
test -f "$FONT" || { echo "the Chinese font is missing: run make setup (it installs fonts-wqy-zenhei)" >&2; exit 2; }
mkdir -p "$STAGE/fonts"
cp "$FONT" "$STAGE/fonts/"
cp /usr/share/doc/fonts-wqy-zenhei/copyright "$STAGE/fonts/COPYING-wqy-zenhei" 2>/dev/null || true

cat > "$STAGE/install.sh" <<'SCRIPT'
#!/bin/sh
# Install workplan from this folder only (no registry is ever asked):
#   sh install.sh [TARGET]      (default /opt/workplan); then TARGET/.venv/bin/workplan init
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${1:-/opt/workplan}
PYTHON=${PYTHON:-python3.11}
"$PYTHON" -m venv "$TARGET/.venv"
# No pip configuration file, no index: only the wheels next to this script.
PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 "$TARGET/.venv/bin/python" -m pip install --quiet \
  --no-index --find-links "$HERE/wheels" workplan
# The PDF reports' Chinese font, where workplan looks first after WORKPLAN_REPORT_FONT.
mkdir -p "$TARGET/.venv/share/workplan/fonts"
cp "$HERE"/fonts/*.ttc "$TARGET/.venv/share/workplan/fonts/"
echo "Installed into $TARGET. Next: $TARGET/.venv/bin/workplan init   (see docs/operations.md)"
SCRIPT
chmod +x "$STAGE/install.sh"
cp LICENSE "$STAGE/"
cp docs/operations.md "$STAGE/OPERATIONS.md"
tar -C "$(dirname "$STAGE")" -czf "dist/$NAME.tar.gz" "$NAME"
rm -rf "$(dirname "$STAGE")"
echo "dist/$NAME.tar.gz: $(ls "$STAGE/../" 2>/dev/null | wc -l >/dev/null; du -h "dist/$NAME.tar.gz" | cut -f1), $(tar -tzf "dist/$NAME.tar.gz" | grep -c '\.whl$') wheels"
