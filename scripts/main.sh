#!/usr/bin/env bash
# The main job: install what is missing, build, and run the bundled Nucleo-H755ZI-Q demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
exec build/h7emu run --cm7 build/firmware/boot_cm7.elf --cm4 build/firmware/boot_cm4.elf --for 50ms
