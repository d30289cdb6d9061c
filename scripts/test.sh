#!/usr/bin/env bash
# Every test: the unit and end-to-end suite (ctest) on the default engine (Unicorn 2.1), the same
# suite again on Unicorn 2.0 (LD_LIBRARY_PATH, same binaries), the bundled scenarios' outputs
# compared byte for byte across both, then the suite under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
ctest --test-dir build --output-on-failure -j"$(nproc)"
echo "== the same suite on $(LD_LIBRARY_PATH=$(scripts/unicorn.sh libdir 2.0) build/h7emu --version)"
LD_LIBRARY_PATH=$(scripts/unicorn.sh libdir 2.0) ctest --test-dir build --output-on-failure -j"$(nproc)"
scripts/engines-identical.sh build
scripts/build.sh build-asan -DH7_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
# The fuzzers (clang + libFuzzer), each for a bounded time from the bundled seeds.
scripts/fuzz.sh "${H7_FUZZ_SECONDS:-45}"
