#!/usr/bin/env bash
# The bundled scenario suite gives byte-identical timelines, JSON Lines, VCD and SVG on both Unicorn
# libraries (2.1 = the build's default, 2.0 = through LD_LIBRARY_PATH). Usage: engines-identical.sh [build dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export H7_FIRMWARE_DIR="$PWD/$build/firmware"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for v in 2.1 2.0; do
    lib=$(scripts/unicorn.sh libdir "$v")
    echo "engines-identical: $(LD_LIBRARY_PATH=$lib "$build/h7emu" --version)"
    LD_LIBRARY_PATH=$lib "$build/h7emu" test scenarios --jobs "$(nproc)" --out "$out/$v" >"$out/$v.txt" ||
        { cat "$out/$v.txt"; exit 1; }
done
if ! diff -r "$out/2.1" "$out/2.0" >"$out/diff.txt"; then
    head -40 "$out/diff.txt"
    echo "engines-identical: outputs differ between Unicorn 2.1 and 2.0"
    exit 1
fi
echo "engines-identical: $(ls "$out/2.1" | wc -l) output files byte-identical on Unicorn 2.1 and 2.0"
