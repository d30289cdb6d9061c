#!/usr/bin/env bash
# Regenerate the pictures of docs/ from real h7emu runs (SVG timing diagrams rendered by h7emu
# itself, plus the VCD for GTKWave). Usage: scripts/make-pictures.sh [build-dir [output-dir]]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$PWD/docs/img}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$build"
# The good boot, zoomed on the handshake (first 120 us), and the whole first 300 ms.
./h7emu run --cm7 firmware/boot_cm7.elf --cm4 firmware/boot_cm4.elf --for 120us --quiet \
    --svg "$out/good-boot-handshake.svg" >/dev/null
./h7emu run --cm7 firmware/boot_cm7.elf --cm4 firmware/boot_cm4.elf --for 300ms --quiet \
    --svg "$out/good-boot-300ms.svg" --vcd "$out/good-boot-300ms.vcd" >/dev/null
# The brick: the 480 MHz LDO firmware on the direct-SMPS Nucleo (exit code 3 is the point).
./h7emu run --cm7 firmware/boot_ldo480_cm7.elf --cm4 firmware/boot_ldo480_cm4.elf --for 30us --quiet \
    --svg "$out/bricked-ldo-on-smps.svg" --vcd "$out/bricked-ldo-on-smps.vcd" >/dev/null || [ $? -eq 3 ]
echo "pictures written to $out"
