#!/usr/bin/env bash
# Opens an `redflag eval --format html` report in headless Chromium and checks that its five SVG plots were laid
# out with a size (the page's own script counts them into <body data-rendered-plots>). Run after scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; }
binary=.build/debug/redflag
[ -x "$binary" ] || swift build --product redflag
report=$(mktemp /tmp/redflag-report-XXXX.html)
"$binary" eval Corpus/texts/*.jsonl --split test --format html --output "$report" -q
dom=$(timeout 120 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 --dump-dom "file://$report" 2>/dev/null)
rendered=$(printf '%s' "$dom" | grep -o 'data-rendered-plots="[0-9]*"' | grep -o '[0-9]\+' || echo 0)
rm -f "$report"
if [ "$rendered" = 5 ]; then
  echo "report-render: 5 of 5 plots rendered in headless Chromium"
else
  echo "report-render: FAILED: $rendered of 5 plots rendered"; exit 1
fi
