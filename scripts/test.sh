#!/usr/bin/env bash
# Quick start, part 2: runs the test suite (the same command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
python3 scripts/embed-patterns.py --check
python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml
python3 scripts/validate-schema.py
swift build --build-tests
swift test --skip-build
