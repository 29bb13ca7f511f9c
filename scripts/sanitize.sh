#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in its own build folder.
# Usage: scripts/sanitize.sh [address|thread ...]   (default: both)
# The HTTP service is left out (REDFLAG_NO_SERVICE=1, see Package.swift): its tests run in scripts/test.sh, and
# building Hummingbird and its dependencies under each sanitizer would add minutes to CI for little.
set -euo pipefail
cd "$(dirname "$0")/.."
export REDFLAG_NO_SERVICE=1
bash scripts/ensure-deps.sh
status=0
heavy="everyExampleOfTheDefaultSetBehaves|aSnapshotClassifiesEveryCorpusTextAsTheYAMLDoes|enginesMatchPCRE2OnTheWholeCorpus|everySpaceAndDigitOfPCRE2IsSkipped|caselessVariantsCoverWhatPCRE2Equates|onlyLongSAndKelvinSignFoldOntoASCII"
for sanitizer in "${@:-address thread}"; do
  for name in $sanitizer; do
    echo "sanitize: $name"
    # Leak checks are off: process-lifetime caches are not leaks. halt_on_error stops at the first report.
    export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1" TSAN_OPTIONS="halt_on_error=1"
    # Tests that replay the whole Corpus, every example of the default set (6,457) or all of Unicode check meaning,
    # not memory; scripts/test.sh runs them, and under a sanitizer they took most of its time. The generated-corpus equivalence test still drives
    # the windowed matching and both literal searches here.
    if swift test --sanitize="$name" --scratch-path ".build-$name" --skip "$heavy" 2>&1 | tee "/tmp/redflag-sanitize-$name.log" | grep -E "Test run with|ERROR: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer"; then :; fi
    if grep -qE "ERROR: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer" "/tmp/redflag-sanitize-$name.log" || ! grep -q "Test run with .* passed" "/tmp/redflag-sanitize-$name.log"; then
      echo "sanitize: $name FAILED (log: /tmp/redflag-sanitize-$name.log)"; status=1
    else
      echo "sanitize: $name clean"
    fi
  done
done
exit "$status"
