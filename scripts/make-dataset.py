#!/usr/bin/env python3
"""Writes a JSON Lines dataset for batch tests: Corpus texts with ids, and about 5% broken lines.

Usage: scripts/make-dataset.py OUTPUT [RECORDS] [SEED]   (default 3000 records, seed 7)

Broken lines, in turn: invalid JSON, truncated JSON, an empty line, a text that is not a string, no text field,
a null text, a JSON value that is not an object, a record without an id, a CRLF line end, a NUL character.
No invalid UTF-8 (Spark's textFile decodes lines with replacement, so such a line would not reach redflag as
written) and no lone carriage return (Hadoop ends a line there, redflag does not).
"""
import json, pathlib, random, sys

root = pathlib.Path(__file__).resolve().parent.parent
output = pathlib.Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
texts = []
for path in sorted((root / "Corpus" / "texts").glob("*.jsonl")):
    for line in path.read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line)["text"])
broken = [
    lambda i: '{"id": "r%d", "text": "unterminated' % i,
    lambda i: json.dumps({"id": "r%d" % i, "text": "cut"})[:-7],
    lambda i: "",
    lambda i: json.dumps({"id": "r%d" % i, "text": 42}),
    lambda i: json.dumps({"id": "r%d" % i, "body": "no text field"}),
    lambda i: json.dumps({"id": i, "text": None}),
    lambda i: json.dumps(["not", "an", "object"]),
    lambda i: json.dumps({"text": rng.choice(texts)}, ensure_ascii=False),
    lambda i: json.dumps({"id": "r%d" % i, "text": rng.choice(texts)}, ensure_ascii=False) + "\r",
    lambda i: json.dumps({"id": "r%d" % i, "text": "nul \u0000 inside " + rng.choice(texts)}),
]
with output.open("w", encoding="utf-8", newline="\n") as out:
    for i in range(1, count + 1):
        if rng.random() < 0.05:
            line = broken[i % len(broken)](i)
        else:
            record_id = "r%d" % i if i % 3 else i
            line = json.dumps({"id": record_id, "text": rng.choice(texts)}, ensure_ascii=rng.random() < 0.5)
        out.write(line + "\n")
