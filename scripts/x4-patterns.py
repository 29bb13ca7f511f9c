#!/usr/bin/env python3
"""Writes a copy of a pattern set with every pattern rule repeated four times (issue 5's "rule set x4"), to see
how scanning cost grows with the number of rules. Each copy gets a new id and one more literal branch that never
occurs ("zqx1variant"), so it matches what the original matches. Usage: x4-patterns.py [SRC] DEST"""
import os, shutil, sys, yaml

src, dest = (sys.argv[1], sys.argv[2]) if len(sys.argv) > 2 else ("Patterns", sys.argv[1])
shutil.rmtree(dest, ignore_errors=True)
shutil.copytree(src, dest)
for name in sorted(os.listdir(os.path.join(dest, "rules"))):
    path = os.path.join(dest, "rules", name)
    with open(path, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    copies = []
    for rule in document["rules"]:
        if "pattern" not in rule:
            continue
        for k in range(1, 4):
            copy = dict(rule)
            copy["id"] = f"{rule['id']}_X{k}"
            copy["pattern"] = f"(?:{rule['pattern']}\n)|zqx{k}variant"
            copies.append(copy)
    document["rules"] += copies
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(document, f, allow_unicode=True, sort_keys=False)
