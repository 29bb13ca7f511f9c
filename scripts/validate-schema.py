#!/usr/bin/env python3
"""Checks every rules file under a pattern folder against Patterns/schema.json (what editors check).

Usage: python3 scripts/validate-schema.py [PATTERNS_DIR]
"""
import json
import pathlib
import sys

import jsonschema
import yaml

root = pathlib.Path(__file__).resolve().parent.parent
folder = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "Patterns"
schema = json.loads((root / "Patterns" / "schema.json").read_text(encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema)
problems = 0
files = sorted((folder / "rules").glob("*.y*ml"))
for path in files:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for error in validator.iter_errors(document):
        where = "/".join(str(part) for part in error.absolute_path)
        print(f"{path}: {where}: {error.message}")
        problems += 1
print(f"schema: {len(files)} rules files, {problems} problems")
sys.exit(1 if problems else 0)
