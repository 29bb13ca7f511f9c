#!/usr/bin/env python3
"""Chooses the rule set's thresholds on the Corpus dev split: the lowest `scam` threshold whose false-positive rate
on dev legit texts is at most --max-fpr (default 0.02), and a `suspicious` threshold at --suspicious-fpr (0.05).

  python3 scripts/choose-thresholds.py [--redflag PATH] [--patterns DIR] [--max-fpr 0.02] [--suspicious-fpr 0.05]

Prints the thresholds with the dev recall and false-positive rate they give; copy them into Patterns/ruleset.yaml.
"""
import argparse
import json
import math
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redflag", default=str(ROOT / ".build" / "release" / "redflag"))
    parser.add_argument("--patterns")
    parser.add_argument("--max-fpr", type=float, default=0.02)
    parser.add_argument("--suspicious-fpr", type=float, default=0.05)
    args = parser.parse_args()
    records = []
    for path in sorted((ROOT / "Corpus" / "texts").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["split"] == "dev":
                records.append(record)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        for record in records:
            handle.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
    command = [args.redflag, "scan", "-q", handle.name] + (["--patterns", args.patterns] if args.patterns else [])
    output = subprocess.run(command, capture_output=True, text=True).stdout.splitlines()
    pathlib.Path(handle.name).unlink()
    verdicts = [json.loads(line) for line in output]
    legit = sorted((v["probability"] for r, v in zip(records, verdicts) if r["label"] == "legit"), reverse=True)
    scam = [v["probability"] for r, v in zip(records, verdicts) if r["label"] == "scam"]

    def threshold_for(max_fpr):
        allowed = math.floor(max_fpr * len(legit))
        # Just above the (allowed+1)-th highest legit probability, so at most `allowed` legit texts reach it.
        ceiling = legit[allowed] if allowed < len(legit) else 0.0
        return min(0.999, round(ceiling + 0.0005, 4))

    for name, max_fpr in (("scam", args.max_fpr), ("suspicious", args.suspicious_fpr)):
        threshold = threshold_for(max_fpr)
        recall = sum(p >= threshold for p in scam) / len(scam)
        fpr = sum(p >= threshold for p in legit) / len(legit)
        print(f"{name}: {threshold}  (dev recall {recall:.3f}, dev FPR {fpr:.3f}, {len(scam)} scam / {len(legit)} legit)")


if __name__ == "__main__":
    main()
