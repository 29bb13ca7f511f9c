#!/usr/bin/env bash
# Issue 5's benchmark, end to end: a reproducible mixed-language corpus (Corpus/ texts, fixed seed) scanned by
# the release `redflag` binary with both engines, 1 and all threads, the default rule set and the set x4; the
# latency of `redflag check`; peak RSS on a large input generated on the fly. Wall-clock figures: run it on an
# idle machine. Usage: scripts/bench.sh [MEGABYTES=5] [RSS_MEGABYTES=200]   (RSS_MEGABYTES 0: no RSS run)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-5}
rss_mb=${2:-200}
swift build -c release --product redflag >/dev/null
swift build -c release --product redflag-bench >/dev/null
bin=.build/release/redflag
tmp=$(mktemp -d /tmp/redflag-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
.build/release/redflag-bench --megabytes "$mb" --write-jsonl "$tmp/corpus.jsonl"
python3 scripts/x4-patterns.py "$tmp/patterns-x4"
cores=$(nproc)
# One record first with each set and engine, so the timed runs start as a platform's repeated runs do: with the
# rule set's snapshot and Hyperscan databases in the cache (the first run compiles them; see "cold start" below).
export REDFLAG_CACHE_DIR=$tmp/cache
head -n 1 "$tmp/corpus.jsonl" > "$tmp/one.jsonl"
echo "cold start, one record (no snapshot or Hyperscan databases yet, then warm):"
for engine in hyperscan pcre2; do
    for state in cold warm; do
        start=$(date +%s.%N)
        "$bin" scan --engine "$engine" "$tmp/one.jsonl" >/dev/null 2>&1
        python3 -c "print(f'  $engine, $state: {$(date +%s.%N) - $start:.2f} s')"
    done
    rm -rf "$tmp/cache"
done
for engine in hyperscan pcre2; do
    "$bin" scan --engine "$engine" "$tmp/one.jsonl" >/dev/null 2>&1
    "$bin" scan --patterns "$tmp/patterns-x4" --engine "$engine" "$tmp/one.jsonl" >/dev/null 2>&1
done
echo
echo "| rule set | engine | threads | MB/s | documents/s | MB/s per core |"
echo "|---|---|---|---|---|---|"
for set in default x4; do
    patterns=()
    [ "$set" = x4 ] && patterns=(--patterns "$tmp/patterns-x4")
    for engine in hyperscan pcre2; do
        for threads in 1 "$cores"; do
            summary=$("$bin" scan "${patterns[@]}" --engine "$engine" --threads "$threads" "$tmp/corpus.jsonl" 2>&1 >/dev/null || true)
            # "redflag scan: N records: … in S s, R MB/s"
            records=$(sed -E 's/^redflag scan: ([0-9]+) records.*/\1/' <<<"$summary")
            seconds=$(sed -E 's/.* in ([0-9.]+) s,.*/\1/' <<<"$summary")
            rate=$(sed -E 's/.*, ([0-9.]+) MB\/s.*/\1/' <<<"$summary")
            python3 -c "print(f'| $set | $engine | $threads | $rate | {$records/$seconds:.0f} | {$rate/$threads:.2f} |')"
        done
    done
done
echo
echo "redflag check, one message, process start included (snapshot cache warm, then off; then the"
echo "--static-swift-stdlib build, warm):"
swift build -c release --product redflag --static-swift-stdlib --scratch-path .build-static >/dev/null 2>&1
static=.build-static/release/redflag
message='Pay the registration fee on Telegram to start tomorrow'
# The cache folder is exported (above) rather than set with `env`, whose own exec would be counted.
hyperfine --warmup 3 --runs 30 -N --style basic -i \
    "$bin check '$message'" "$static check '$message'" "$bin --version" "$static --version" 2>&1 |
    grep -E "Benchmark|Time|Range"
REDFLAG_CACHE_DIR=off hyperfine --warmup 2 --runs 20 -N --style basic -i "$bin check '$message'" 2>&1 |
    grep -E "Benchmark|Time|Range"
echo
[ "$rss_mb" -gt 0 ] || exit 0
echo "peak RSS scanning ${rss_mb} MB (all threads):"
python3 - "$tmp/corpus.jsonl" "$rss_mb" > "$tmp/big.jsonl" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
target = int(sys.argv[2]) * 1_000_000
written = 0
while written < target:
    sys.stdout.buffer.write(data)
    written += len(data)
PY
ls -l "$tmp/big.jsonl" | awk '{print $5 " bytes"}'
/usr/bin/time -v "$bin" scan "$tmp/big.jsonl" 2>&1 >/dev/null | grep -E "redflag scan|Maximum resident"
