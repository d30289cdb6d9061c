#!/usr/bin/env bash
# Every test: the unit and end-to-end suite (ctest), then the same suite under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
ctest --test-dir build --output-on-failure -j"$(nproc)"
scripts/build.sh build-asan -DH7_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
# The fuzzers (clang + libFuzzer), each for a bounded time from the bundled seeds.
scripts/fuzz.sh "${H7_FUZZ_SECONDS:-45}"
