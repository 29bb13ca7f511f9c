#!/usr/bin/env python3
"""Maintains Corpus/: checks the texts, assigns dev/test splits by group, and writes the manifest.

  python3 scripts/corpus.py check      validate every record (fields, labels, tactics, unique ids and texts)
  python3 scripts/corpus.py split      (re)assign "split" by a hash of each record's group, then write the manifest
  python3 scripts/corpus.py manifest   write Corpus/manifest.tsv from the texts

Splits are fixed by a SHA-256 of the group id, so variants of one text always share a split and adding texts
never moves old ones.
"""
import collections
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEXTS = ROOT / "Corpus" / "texts"
MANIFEST = ROOT / "Corpus" / "manifest.tsv"
KEYS = ["id", "label", "language", "kind", "tactics", "group", "obfuscated", "split", "text"]
LABELS = {"scam", "legit"}
KINDS = {"advert", "chat", "email", "sms", "post", "news"}
TACTICS = {
    "trafficking_lure", "offplatform", "remote_control", "upfront_fee", "task_scam", "money_mule",
    "data_harvest", "unrealistic_pay", "impersonation", "urgency", "secrecy", "coercion", "legitimacy",
}


def files():
    return sorted(TEXTS.glob("*.jsonl"))


def read(path):
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write(path, records):
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            ordered = {key: record[key] for key in KEYS if key in record}
            handle.write(json.dumps(ordered, ensure_ascii=False) + "\n")


def split_of(group):
    return "dev" if hashlib.sha256(group.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def check():
    problems = []
    ids, texts = set(), set()
    counts = collections.Counter()
    for path in files():
        for number, record in enumerate(read(path), 1):
            where = f"{path.relative_to(ROOT)}:{number}"
            missing = [key for key in KEYS if key not in record and key != "split"]
            extra = [key for key in record if key not in KEYS]
            if missing or extra:
                problems.append(f"{where}: missing {missing} extra {extra}")
                continue
            if record["id"] in ids:
                problems.append(f"{where}: duplicate id {record['id']}")
            ids.add(record["id"])
            folded = " ".join(record["text"].lower().split())
            if folded in texts:
                problems.append(f"{where}: duplicate text")
            texts.add(folded)
            if record["label"] not in LABELS:
                problems.append(f"{where}: label {record['label']}")
            if record["kind"] not in KINDS:
                problems.append(f"{where}: kind {record['kind']}")
            if not set(record["tactics"]) <= TACTICS:
                problems.append(f"{where}: tactics {record['tactics']}")
            if record["language"] != path.stem:
                problems.append(f"{where}: language {record['language']} in {path.name}")
            if "split" in record and record["split"] != split_of(record["group"]):
                problems.append(f"{where}: split {record['split']} is not the group's")
            counts[(record["language"], record["label"])] += 1
    for problem in problems:
        print(problem)
    total = sum(counts.values())
    print(f"corpus: {total} texts, {len(problems)} problems")
    for language in sorted({language for language, _ in counts}):
        print(f"  {language}: {counts[(language, 'scam')]} scam, {counts[(language, 'legit')]} legit")
    return not problems


def split():
    for path in files():
        records = read(path)
        for record in records:
            record["split"] = split_of(record["group"])
        write(path, records)
    manifest()


def manifest():
    rows = ["\t".join(["id", "label", "language", "kind", "tactics", "split", "group", "obfuscated"])]
    for path in files():
        for record in read(path):
            rows.append("\t".join([
                record["id"], record["label"], record["language"], record["kind"], ",".join(record["tactics"]),
                record.get("split", ""), record["group"], "true" if record["obfuscated"] else "false",
            ]))
    MANIFEST.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {MANIFEST.relative_to(ROOT)} ({len(rows) - 1} texts)")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "check":
        sys.exit(0 if check() else 1)
    elif command == "split":
        split()
    elif command == "manifest":
        manifest()
    else:
        sys.exit(__doc__)
