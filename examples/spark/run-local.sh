#!/usr/bin/env bash
# Runs examples/spark/scan_job.py in Spark's local[2] mode on one machine.
# Usage: examples/spark/run-local.sh INPUT OUTPUT [scan_job.py options]
#   INPUT   a JSON Lines file; OUTPUT a folder (must not exist) of JSON Lines part files, in input order:
#           cat OUTPUT/part-* > results.jsonl
# Environment: REDFLAG (the binary to ship; default: .build/release/redflag, else .build/debug/redflag),
#              SPARK_SUBMIT (default: spark-submit on PATH), SPARK_PARTITIONS (default 2),
#              SPARK_MASTER (default local[2]; local-cluster[2,1,1024] runs executors in their own JVMs and folders).
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 INPUT OUTPUT [scan_job.py options]" >&2; exit 2; fi
input="$1"; output="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
redflag="${REDFLAG:-}"
if [ -z "$redflag" ]; then
  for candidate in "$root/.build/release/redflag" "$root/.build/debug/redflag"; do
    if [ -x "$candidate" ]; then redflag="$candidate"; break; fi
  done
fi
if [ -z "$redflag" ] || [ ! -x "$redflag" ]; then
  echo "run-local: no redflag binary: run 'swift build -c release --product redflag' or set REDFLAG" >&2; exit 2
fi
# Spark binds to the host name's address unless told: keep the driver on loopback.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
"${SPARK_SUBMIT:-spark-submit}" --master "${SPARK_MASTER:-local[2]}" --conf spark.ui.enabled=false \
  --conf spark.driver.bindAddress="$SPARK_LOCAL_IP" --conf spark.driver.host="$SPARK_LOCAL_IP" \
  --conf spark.driver.extraJavaOptions=-Dlog4j.rootLogger=WARN \
  --files "$redflag" "$here/scan_job.py" --binary-name "$(basename "$redflag")" \
  --partitions "${SPARK_PARTITIONS:-2}" "$@" "$input" "$output"
