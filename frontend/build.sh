#!/usr/bin/env bash
# Build the vendored, unbranded GOV.UK Frontend into static/vendor/govuk-frontend/.
# Node is only needed here (build time); Django serves the output as static files.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$FRONTEND_DIR")"
OUT_DIR="$REPO_DIR/static/vendor/govuk-frontend"
PKG_DIR="$FRONTEND_DIR/node_modules/govuk-frontend"
DIST_DIR="$PKG_DIR/dist/govuk"
# Must match $govuk-assets-path in src/outreach.scss
ASSETS_URL="/static/vendor/govuk-frontend/assets/"

cd "$FRONTEND_DIR"
if [ ! -d node_modules ]; then
  npm ci
fi

mkdir -p "$OUT_DIR"

# 1. CSS (compressed, no source map)
"$FRONTEND_DIR/node_modules/.bin/sass" --no-source-map --style=compressed --load-path=node_modules \
  src/outreach.scss "$OUT_DIR/outreach.min.css"

# 2. JS: prebuilt ES module bundle. The .map is copied too, because the bundle
#    ends with a sourceMappingURL comment (ManifestStaticFilesStorage resolves it).
cp "$DIST_DIR/govuk-frontend.min.js" "$DIST_DIR/govuk-frontend.min.js.map" "$OUT_DIR/"

# 3. Assets: copy only files the compiled CSS references under $ASSETS_URL.
#    Never GDS Transport fonts or crown/crest/GOV.UK icons.
rm -rf "$OUT_DIR/assets"
mkdir -p "$OUT_DIR/assets"
{ grep -o "url([^)]*)" "$OUT_DIR/outreach.min.css" || true; } \
  | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']$//" \
  | sort -u | while read -r url; do
      case "$url" in
        "$ASSETS_URL"*) rel="${url#"$ASSETS_URL"}" ;;
        *) continue ;;
      esac
      case "$rel" in
        fonts/*|*crest*|*crown*|*govuk-icon*|*opengraph*)
          echo "build.sh: CSS references branded asset '$rel' - fix src/outreach.scss" >&2
          exit 1 ;;
      esac
      mkdir -p "$OUT_DIR/assets/$(dirname "$rel")"
      cp "$DIST_DIR/assets/$rel" "$OUT_DIR/assets/$rel"
      echo "copied asset $rel"
    done

# 4. Licence (the npm tarball currently ships none; keep the committed copy then)
lic="$(find "$PKG_DIR" -maxdepth 1 -iname 'licen[cs]e*' | head -n 1)"
if [ -n "$lic" ]; then
  cp "$lic" "$OUT_DIR/LICENSE.txt"
elif [ ! -f "$OUT_DIR/LICENSE.txt" ]; then
  echo "build.sh: warning: no LICENSE in govuk-frontend package and none in $OUT_DIR" >&2
fi

# Sanity checks
if grep -qi "GDS Transport\|@font-face" "$OUT_DIR/outreach.min.css"; then
  echo "build.sh: GDS Transport / @font-face found in CSS" >&2
  exit 1
fi

version="$(node -p "require('$PKG_DIR/package.json').version")"
echo "Built govuk-frontend $version into $OUT_DIR"
