#!/usr/bin/env python3
"""Measures redflag on the project's Corpus and, when present, on the public corpora in ../shared/data.

Runs `redflag scan` (the binary given by --redflag, default .build/release/redflag) and prints Markdown tables:
recall of scam texts and false-positive rate of legit texts, for the `scam` label and for "flagged" (scam or
suspicious), per language and per tactic on the Corpus, and on the public sets' test splits.

  python3 scripts/evaluate.py [--split test|dev|all] [--redflag PATH] [--shared ../shared/data] [--patterns DIR] [--weights FILE] [--misses]
"""
import argparse
import collections
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


EXTRA_ARGS = []


def scan(binary, records):
    """Verdicts for records [(id, text)], in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        for record_id, text in records:
            handle.write(json.dumps({"id": record_id, "text": text}, ensure_ascii=False) + "\n")
        path = handle.name
    result = subprocess.run([binary, "scan", "-q", *EXTRA_ARGS, path], capture_output=True, text=True)
    pathlib.Path(path).unlink()
    if result.returncode not in (0, 1):
        sys.exit(f"redflag scan failed: {result.stderr}")
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == len(records), "scan lost records"
    return verdicts


def rate(hits, total):
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a"


def table(title, rows):
    print(f"\n### {title}\n")
    print("| group | scam recall | flagged recall | scam FPR | flagged FPR |")
    print("|---|---|---|---|---|")
    for name, stats in rows:
        print(f"| {name} | {rate(stats['scam_tp'], stats['pos'])} | {rate(stats['flag_tp'], stats['pos'])} "
              f"| {rate(stats['scam_fp'], stats['neg'])} | {rate(stats['flag_fp'], stats['neg'])} |")


def tally(stats, label, verdict):
    predicted = verdict.get("label")
    if label == "scam":
        stats["pos"] += 1
        stats["scam_tp"] += predicted == "scam"
        stats["flag_tp"] += predicted in ("scam", "suspicious")
    else:
        stats["neg"] += 1
        stats["scam_fp"] += predicted == "scam"
        stats["flag_fp"] += predicted in ("scam", "suspicious")


def language_table(records, verdicts):
    """How often the identified language is the text's own, per language."""
    counts = collections.defaultdict(collections.Counter)
    for record, verdict in zip(records, verdicts):
        found = verdict.get("language")
        outcome = "right" if found == record["language"] else ("unknown" if found is None else "wrong")
        counts[record["language"]][outcome] += 1
    print("\n### Language identification\n")
    print("| language | right | unknown (all rules run) | wrong |")
    print("|---|---|---|---|")
    total = collections.Counter()
    for language, count in sorted(counts.items()):
        n = sum(count.values())
        total.update(count)
        print(f"| {language} | {rate(count['right'], n)} | {rate(count['unknown'], n)} | {rate(count['wrong'], n)} |")
    n = sum(total.values())
    print(f"| all | {rate(total['right'], n)} | {rate(total['unknown'], n)} | {rate(total['wrong'], n)} |")


def corpus(binary, split):
    records = []
    for path in sorted((ROOT / "Corpus" / "texts").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if split == "all" or record.get("split") == split:
                records.append(record)
    verdicts = scan(binary, [(r["id"], r["text"]) for r in records])
    by_language = collections.defaultdict(collections.Counter)
    by_tactic = collections.defaultdict(collections.Counter)
    overall = collections.Counter()
    misses = []
    for record, verdict in zip(records, verdicts):
        tally(overall, record["label"], verdict)
        tally(by_language[record["language"]], record["label"], verdict)
        for tactic in record["tactics"] or ["(none)"]:
            tally(by_tactic[tactic], record["label"], verdict)
        if (record["label"] == "scam") != (verdict.get("label") == "scam"):
            misses.append((record["id"], record["label"], verdict.get("label"), verdict.get("score")))
    language_table(records, verdicts)
    table(f"Corpus, split {split}: overall", [("all", overall)])
    table(f"Corpus, split {split}: per language", sorted(by_language.items()))
    table(f"Corpus, split {split}: per tactic (of the texts' own tactic labels)", sorted(by_tactic.items()))
    return misses


def shingles(text):
    """Word trigrams of the lower-cased text, letters and digits only."""
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return {tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def unseen(records, others, similarity=0.5):
    """The records with no text among `others` sharing at least `similarity` of their word trigrams (Jaccard)."""
    seen = [shingles(r["text"]) for r in others]
    def novel(record):
        mine = shingles(record["text"])
        return all(len(mine & other) / len(mine | other) < similarity for other in seen if mine | other)
    return [r for r in records if novel(r)]


def lure_candidates(folder, split, lures_only=True):
    """The records of job_lure_candidates in `split`: those scripts/data/job-lure-labels.tsv marks as recruitment
    lures, or all of them with `lures_only=False`.

    The labels (ours, by reading each message; no text is copied) give each record's split, that of the identical
    text in its source set, so rules written from the dev lures are measured on the test ones.
    """
    path = folder / "job_lure_candidates" / "data.jsonl"
    labels = ROOT / "scripts" / "data" / "job-lure-labels.tsv"
    if not path.exists() or not labels.exists():
        return []
    rows = [line.split("\t") for line in labels.read_text(encoding="utf-8").splitlines()[1:]]
    lures = {row[0] for row in rows if row[1] == split and (row[4] == "yes" or not lures_only)}
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [dict(r, label="scam") for r in records if r["id"] in lures]


def shared(binary, folder):
    def load(name, keep):
        path = folder / name / "data.jsonl"
        if not path.exists():
            return []
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [r for r in rows if keep(r)]

    test_lures = lure_candidates(folder, "test")
    sets = [
        ("uci_sms_spam test, legit", load("uci_sms_spam", lambda r: r["split"] == "test" and r["label"] == "legit")),
        ("indeed_2025_realjobs test (legit adverts)", load("indeed_2025_realjobs", lambda r: r["split"] == "test")),
        ("smishtank, category Job Advertisement (all splits)", load("smishtank", lambda r: r.get("category") == "Job Advertisement")),
        ("smishtank, category Job Advertisement, test", load(
            "smishtank", lambda r: r.get("category") == "Job Advertisement" and r["split"] == "test")),
        ("job_lure_candidates test, real lures (our labels)", test_lures),
        ("the same, without a near-duplicate among the dev candidates", unseen(
            test_lures, lure_candidates(folder, "dev", lures_only=False))),
        ("emscad_mit_et6 test", load("emscad_mit_et6", lambda r: r["split"] == "test")),
    ]
    rows = []
    for name, records in sets:
        if not records:
            continue
        verdicts = scan(binary, [(r["id"], r["text"]) for r in records])
        stats = collections.Counter()
        for record, verdict in zip(records, verdicts):
            tally(stats, record["label"], verdict)
        rows.append((name, stats))
    if rows:
        table("Public corpora (../shared/data)", rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test", choices=["dev", "test", "all"])
    parser.add_argument("--redflag", default=str(ROOT / ".build" / "release" / "redflag"))
    parser.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--misses", action="store_true", help="list the Corpus texts on the wrong side of 'scam'")
    parser.add_argument("--patterns", help="a pattern folder to use instead of the embedded default set")
    parser.add_argument("--weights", help="a weights file from `redflag train` to score with")
    args = parser.parse_args()
    if args.patterns:
        EXTRA_ARGS.extend(["--patterns", args.patterns])
    if args.weights:
        EXTRA_ARGS.extend(["--weights", args.weights])
    misses = corpus(args.redflag, args.split)
    shared(args.redflag, pathlib.Path(args.shared))
    if args.misses:
        print("\n### Misclassified Corpus texts (id, label, predicted, score)\n")
        for miss in misses:
            print("-", *miss)


if __name__ == "__main__":
    main()
