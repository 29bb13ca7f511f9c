#!/usr/bin/env bash
# Load test of the HTTP service (not part of CI): a release build of redflag-serve on a free loopback port, then
# wrk POSTing single texts (Corpus texts, nine languages) to /v1/classify. Prints requests/s, p50/p90/p99 latency,
# the errors (connect, read, write, non-2xx status, timeouts: all must be 0) and the server's peak RSS (VmHWM).
# Usage: scripts/load-test.sh [SECONDS] [CONNECTIONS] [THREADS]   (default: 60 256 2)
# Environment: REDFLAG_SERVE (the binary; default: builds .build/release/redflag-serve), WORKERS (server threads).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"; connections="${2:-256}"; threads="${3:-2}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
server="${REDFLAG_SERVE:-.build/release/redflag-serve}"
[ -n "${REDFLAG_SERVE:-}" ] || swift build -c release --product redflag-serve 2>&1 | tail -n 1
work="$(mktemp -d)"
python3 - "$work/bodies.jsonl" <<'PY'
import json, pathlib, sys
texts = []
for path in sorted(pathlib.Path("Corpus/texts").glob("*.jsonl")):
    texts += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for record in texts:
        out.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
PY
"$server" --port 0 --log-level warning ${WORKERS:+--workers "$WORKERS"} 2> "$work/server.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 500); do
  port="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$work/server.log" | grep -oE '[0-9]+$' || true)"
  [ -n "$port" ] && break
  sleep 0.02
done
[ -n "$port" ] || { cat "$work/server.log" >&2; echo "load-test: the server did not start" >&2; exit 1; }
echo "load-test: $server on port $port, $(wc -l < "$work/bodies.jsonl") bodies, ${seconds}s at $connections connections, $threads wrk threads"
echo "load-test: server RSS at start: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s --latency -s scripts/load/classify.lua \
  "http://127.0.0.1:$port/v1/classify" -- "$work/bodies.jsonl" | tee "$work/wrk.txt"
echo "load-test: server peak RSS (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status), now $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
kill -TERM "$pid"; wait "$pid" && echo "load-test: server stopped cleanly (exit 0)"
grep -q 'errors_connect=0 errors_read=0 errors_write=0 errors_status=0 errors_timeout=0' "$work/wrk.txt" \
  || { echo "load-test: FAILED: some requests failed" >&2; exit 1; }
