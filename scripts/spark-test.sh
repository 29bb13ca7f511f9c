#!/usr/bin/env bash
# Spark end to end: installs pyspark in a virtual environment (.build-spark/venv), generates a JSON Lines dataset
# with broken lines, runs examples/spark/scan_job.py in local[2] mode over `redflag scan`, and compares its
# output record for record with a direct `redflag scan` of the same file. Needs Java 17 or later.
# Usage: scripts/spark-test.sh [RECORDS]   (default 3000)
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-3000}"
bash scripts/ensure-deps.sh
if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
  echo "spark-test: installing Java 17" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
venv=.build-spark/venv
if [ ! -x "$venv/bin/spark-submit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyspark
fi
redflag="${REDFLAG:-.build/debug/redflag}"
[ -x "$redflag" ] || swift build --product redflag
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 scripts/make-dataset.py "$work/input.jsonl" "$records"
status=0
"$redflag" scan -q "$work/input.jsonl" > "$work/direct.jsonl" || status=$?
if [ "$status" -gt 1 ]; then echo "spark-test: redflag scan failed ($status)" >&2; exit 1; fi
# spark-submit finds Spark and runs the job with the `python3` first on PATH: the venv's.
PATH="$PWD/$venv/bin:$PATH" PYSPARK_PYTHON="$PWD/$venv/bin/python3" REDFLAG="$(realpath "$redflag")" \
  bash examples/spark/run-local.sh "$work/input.jsonl" "$work/spark" 2> "$work/spark.log" || {
  tail -n 40 "$work/spark.log" >&2; echo "spark-test: the Spark job failed" >&2; exit 1; }
cat "$work"/spark/part-* > "$work/spark.jsonl"
python3 - "$work/input.jsonl" "$work/direct.jsonl" "$work/spark.jsonl" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().count(b"\n")
direct = open(sys.argv[2], encoding="utf-8").read().splitlines()
spark = open(sys.argv[3], encoding="utf-8").read().splitlines()
errors = sum('"error":{' in line for line in direct)
differ = [i for i, (a, b) in enumerate(zip(direct, spark), 1) if a != b]
print(f"spark-test: {lines} input lines, {len(direct)} from redflag scan ({errors} error records), {len(spark)} from Spark")
for i in differ[:5]:
    print(f"spark-test: record {i} differs:\n  scan:  {direct[i-1][:200]}\n  spark: {spark[i-1][:200]}")
ok = len(direct) == lines == len(spark) and not differ
failed = 0 if ok else max(1, len(differ))
print(f"spark: {lines - failed if ok else len(direct) - failed} passed, {failed} failed")
sys.exit(0 if ok else 1)
PY
