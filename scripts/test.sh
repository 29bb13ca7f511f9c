#!/usr/bin/env bash
# Quick start, part 2: runs the test suite (the same command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
python3 scripts/embed-patterns.py --check
python3 scripts/embed-openapi.py --check
python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
python3 scripts/validate-schema.py
swift build --build-tests
swift test --skip-build
# The HTTP service's responses against its OpenAPI document (docs/openapi.json).
python3 scripts/check-openapi.py .build/debug/redflag-serve
