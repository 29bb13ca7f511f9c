#!/usr/bin/env bash
# Quick start, part 1: builds redflag and checks a bundled example with the embedded default pattern set.
# Usage: scripts/demo.sh [FILE]   (default: examples/task-scam-fr.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
swift build --product redflag 2>&1 | tail -n 1 >&2
bin="$(swift build --show-bin-path)/redflag"
"$bin" check --file "${1:-examples/task-scam-fr.txt}" || status=$?
# check exits 0 for scam or suspicious and 1 for legit (like grep); both are a successful demo.
[ "${status:-0}" -le 1 ]
