#!/bin/sh
# `h7emu record`: record the boot sequence -> the scenario passes on the same firmware -> a build
# with another power sequencing fails with an expected-vs-observed diff.
# Usage: record.sh H7EMU FIRMWARE_DIR WORKDIR
set -u
H7EMU=$1 FW=$2 W=$3
rm -rf "$W" && mkdir -p "$W/fw" || exit 1
fail() { echo "FAILED: $*"; exit 1; }
use() { cp "$FW/$1_cm7.elf" "$W/fw/app_cm7.elf" && cp "$FW/$1_cm4.elf" "$W/fw/app_cm4.elf"; }

use boot
"$H7EMU" record --cm7 "$W/fw/app_cm7.elf" --cm4 "$W/fw/app_cm4.elf" --until 'uart:CM7: done' -o "$W/boot.yaml" \
    || fail "record"
cat "$W/boot.yaml"
grep -q "^  cm7: 'fw/app_cm7.elf'" "$W/boot.yaml" || fail "images relative to the scenario"
grep -q "^    - 'cm7: writes PWR_CR3 = 0x00000004 (direct_smps)' *# 6.218 us  supply configuration" "$W/boot.yaml" \
    || fail "supply write with its comment"
grep -q "^    - 'cm7: boots' " "$W/boot.yaml" || fail "addresses and symbols are left out"
grep -q "^  outcome: running" "$W/boot.yaml" || fail "outcome"
"$H7EMU" run "$W/boot.yaml" --quiet --no-color > "$W/pass.out" 2>&1 || { cat "$W/pass.out"; fail "the recorded scenario does not pass on its own run"; }

# another VOS (VOS3 left at reset): the VOS write and everything after the fault are missing
use boot_vos3
"$H7EMU" run "$W/boot.yaml" --quiet --no-color > "$W/vos3.out" 2>&1
rc=$?; cat "$W/vos3.out"
[ $rc -eq 1 ] || fail "VOS3 build: exit code $rc, expected 1"
grep -q "expected event \"cm7: writes PWR_D3CR.VOS = VOS1\"" "$W/vos3.out" || fail "VOS3: first missing item"
grep -q "expected vs observed sequence" "$W/vos3.out" || fail "VOS3: no diff"
grep -q "^    - cm7: writes PWR_D3CR.VOS = VOS1 " "$W/vos3.out" || fail "VOS3: - line"

# LDO supply instead of direct SMPS: the diff shows what was written instead
use boot_ldo480
"$H7EMU" run "$W/boot.yaml" --quiet --no-color > "$W/ldo.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "LDO build: exit code $rc"
grep -q "^    - cm7: writes PWR_CR3 = 0x00000004 (direct_smps)" "$W/ldo.out" || fail "LDO: - line"
grep -q "^    + cm7: writes PWR_CR3 = 0x00000002 (ldo) .* at 6.218 us" "$W/ldo.out" || fail "LDO: + line"

# --timing bounds: a 1 ns tolerance passes on the same build, fails when the flash latency changes
use boot
"$H7EMU" record --cm7 "$W/fw/app_cm7.elf" --cm4 "$W/fw/app_cm4.elf" --for 10ms --timing=1ns -o "$W/timed.yaml" || fail "record --timing"
grep -q "{event: 'pwr: actvosrdy', at: 16218ns, tolerance: 1ns}" "$W/timed.yaml" || fail "timed item"
"$H7EMU" run "$W/timed.yaml" --quiet > /dev/null || fail "timed scenario on its own run"
use boot_ws1
"$H7EMU" run "$W/timed.yaml" --quiet > "$W/ws1.out" 2>&1
[ $? -eq 1 ] && grep -q "within 89.011 us +- 0.001 us" "$W/ws1.out" || fail "timed item with another latency"

# --events chooses classes
use boot
"$H7EMU" record --cm7 "$W/fw/app_cm7.elf" --cm4 "$W/fw/app_cm4.elf" --for 10ms --events uart -o "$W/uart.yaml" || fail "--events"
! grep -q "^    - '[^u]" "$W/uart.yaml" || fail "--events uart recorded other classes"
"$H7EMU" record --cm7 x.elf --events power,nonsense -o "$W/x.yaml" 2> "$W/bad.err"
[ $? -eq 2 ] || fail "bad class: exit code"
# --semihosting: the console lines and the exit status are recorded; the scenario passes on its run
"$H7EMU" record --cm7 "$FW/semihost_cm7.elf" --cm4 "$FW/semihost_cm4.elf" --semihosting-cmdline "semihost --escape" \
    -o "$W/sh.yaml" || fail "record --semihosting"
cat "$W/sh.yaml"
grep -q "^semihosting: {cmdline: 'semihost --escape'}" "$W/sh.yaml" || fail "semihosting: key"
grep -q "^    - 'cm4: semihosting \"10 tests, 0 failures\"'" "$W/sh.yaml" || fail "a console line of the cm4"
grep -q "^  exit: 0 " "$W/sh.yaml" && grep -q "^  outcome: exited " "$W/sh.yaml" || fail "exit status"
"$H7EMU" run "$W/sh.yaml" --quiet > "$W/sh.out" 2>&1 || { cat "$W/sh.out"; fail "the semihosting recording on its own run"; }
mkdir -p "$W/shroot"
"$H7EMU" record --cm7 "$FW/semihost_cm7.elf" --semihosting-root "$W/shroot" --semihosting-cmdline "x --fail" \
    -o "$W/shfail.yaml" || fail "record a failing test"
grep -q "^semihosting: {root: 'shroot', cmdline: 'x --fail'}" "$W/shfail.yaml" || fail "root relative to the scenario"
grep -q "^  exit: 1 " "$W/shfail.yaml" || fail "exit status 1"
"$H7EMU" run "$W/shfail.yaml" --quiet > "$W/shfail.out" 2>&1 || { cat "$W/shfail.out"; fail "exit 1 recorded and checked"; }
echo "record: all checks passed"
