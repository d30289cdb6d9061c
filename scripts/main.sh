#!/usr/bin/env bash
# The main job: install what is missing, build, and run the bundled Nucleo-H755ZI-Q scenario suite
# (timelines, JSON Lines and VCD waveforms of every scenario are kept in build/scenario-out/,
# the JUnit report in build/scenarios-junit.xml).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
export H7_FIRMWARE_DIR="$PWD/build/firmware"
exec build/h7emu test scenarios --jobs "$(nproc)" --out build/scenario-out --junit build/scenarios-junit.xml
