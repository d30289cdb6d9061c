#!/usr/bin/env bash
# Build the libFuzzer harnesses with clang (build-fuzz/, -DH7_FUZZ=ON) and run each for a bounded
# time (default 45 s, first argument) from its seed corpus: the ELF loader, the scenario/board
# YAML front ends, the GDB remote-protocol layer. Needs build/ (firmware seeds) first.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-45}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DH7_FUZZ=ON -DH7_BUILD_FIRMWARE=OFF \
    -DH7_FUZZ_SECONDS="$secs" -DH7_FUZZ_FIRMWARE_DIR="$PWD/build/firmware" >/dev/null
cmake --build build-fuzz -j"$(nproc)"
ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$(nproc)"
