#!/usr/bin/env python3
"""Measures what each heuristic of a rule set adds: the Corpus figures with it, and with its weight set to 0
(through a weights file, so the rule set itself is untouched), on the dev and test splits.

Usage: python3 scripts/heuristic-effects.py [--redflag BINARY] [--patterns DIR]
Prints a Markdown table: for each heuristic, how often it fires on scam and legit texts, and the change in scam
recall and false-positive rate (at the set's scam threshold) and in ROC-AUC when it is removed.
"""
import argparse
import json
import pathlib
import subprocess
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def evaluate(binary, patterns, split, weights=None):
    command = [binary, "eval", *sorted(map(str, (ROOT / "Corpus" / "texts").glob("*.jsonl"))), "--split", split,
               "--format", "json", "-q", "--patterns", patterns]
    if weights:
        command += ["--weights", weights]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--redflag", default=str(ROOT / ".build" / "release" / "redflag"))
    parser.add_argument("--patterns", default=str(ROOT / "Patterns"))
    args = parser.parse_args()
    settings = yaml.safe_load((pathlib.Path(args.patterns) / "ruleset.yaml").read_text(encoding="utf-8"))
    base = {split: evaluate(args.redflag, args.patterns, split) for split in ("dev", "test")}
    print("| heuristic | weight | fires in scam / legit (test) | dev recall | dev FPR | test recall | test FPR | test ROC-AUC |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| (all, as shipped) | | | {base['dev']['recall']:.3f} | {base['dev']['fpr']:.3f} | "
          f"{base['test']['recall']:.3f} | {base['test']['fpr']:.3f} | {base['test']['roc_auc']:.3f} |")
    for heuristic in settings.get("heuristics", []):
        weights = {"format": "redflag-weights/1", "bias": settings["bias"], "thresholds": settings["thresholds"],
                   "weights": {heuristic["id"]: 0}}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(weights, handle)
        without = {split: evaluate(args.redflag, args.patterns, split, handle.name) for split in ("dev", "test")}
        pathlib.Path(handle.name).unlink()
        hits = next((r for r in base["test"]["rules"] if r["rule"] == heuristic["id"]), None)
        fires = f"{hits['scam_pct']:.1f}% / {hits['legit_pct']:.1f}%" if hits else "0% / 0%"

        def delta(split, key):
            # What the heuristic adds: the figure with it minus the figure without it.
            change = base[split][key] - without[split][key]
            return f"{base[split][key]:.3f} ({change:+.3f})"

        print(f"| {heuristic['id']} | {heuristic['weight']} | {fires} | {delta('dev', 'recall')} | {delta('dev', 'fpr')} | "
              f"{delta('test', 'recall')} | {delta('test', 'fpr')} | {delta('test', 'roc_auc')} |")


if __name__ == "__main__":
    main()
