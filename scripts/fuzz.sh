#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/) with the fuzzer and AddressSanitizer, and runs each for a fixed number of
# runs from its seed corpus. Exit 1 on any crash; the crashing input is left in Fuzz/crashes/.
# Usage: scripts/fuzz.sh [RUNS]   (default 20000 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20000}"
export REDFLAG_NO_SERVICE=1  # the fuzz targets use the library only: do not resolve the HTTP service's packages
bash scripts/ensure-deps.sh
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
swift build --package-path Fuzz --scratch-path .build-fuzz "${flags[@]}" 2>&1 | tail -n 1
bin="$(swift build --package-path Fuzz --scratch-path .build-fuzz "${flags[@]}" --show-bin-path)"
mkdir -p Fuzz/crashes
status=0
export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"
for target in FuzzRuleLoader:rule-loader FuzzNormalizer:normalizer FuzzJSONLines:jsonlines; do
  name="${target%%:*}"; seeds="Fuzz/Seeds/${target##*:}"
  work="$(mktemp -d)"; cp "$seeds"/* "$work"/
  echo "fuzz: $name, $runs runs"
  # Leak checking is off: process-lifetime caches (the compiled rule set, PCRE2 scratch) are not leaks.
  if ! "$bin/$name" -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
       -artifact_prefix=Fuzz/crashes/"$name"- "$work" 2>"$work.log"; then
    echo "fuzz: $name FAILED"; tail -n 30 "$work.log"; status=1
  else
    grep -E "^Done|DONE" "$work.log" | tail -n 1
  fi
  rm -rf "$work" "$work.log"
done
[ "$status" -eq 0 ] && echo "fuzz: 0 crashes"
exit "$status"
