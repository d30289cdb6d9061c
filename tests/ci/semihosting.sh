#!/bin/sh
# Semihosting end to end: on-target tests built with newlib's rdimon report through BKPT 0xAB and
# their exit status reaches the shell. Usage: semihosting.sh H7EMU FIRMWARE_DIR WORKDIR
set -u
H7EMU=$1 FW=$2 W=$3
rm -rf "$W" && mkdir -p "$W/root" || exit 1
fail() { echo "FAILED: $*"; exit 1; }

# all tests pass -> exit 0; the file lands in the root; files outside are refused
"$H7EMU" run --cm7 "$FW/semihost_cm7.elf" --semihosting-root "$W/root" \
    --semihosting-cmdline "semihost --files --escape" --quiet --for 2s > "$W/pass.out" 2>&1
rc=$?; cat "$W/pass.out"
[ $rc -eq 0 ] || fail "passing tests: exit code $rc, expected 0"
grep -q "^13 tests, 0 failures" "$W/pass.out" || fail "test count"
grep -q "result: ok -- cm7 exited with status 0 (semihosting)" "$W/pass.out" || fail "result line"
[ "$(cat "$W/root/result.txt")" = "written by the cm7" ] || fail "file written through SYS_WRITE"
[ ! -e "$W/escape.txt" ] || fail "a file escaped the root through .."

# a failing test -> exit(1) in the firmware -> exit code 5
"$H7EMU" run --cm7 "$FW/semihost_cm7.elf" --semihosting --semihosting-cmdline "x --fail" --quiet --for 2s > "$W/fail.out" 2>&1
rc=$?; cat "$W/fail.out"
[ $rc -eq 5 ] || fail "failing test: exit code $rc, expected 5"
grep -q "FIRMWARE EXIT STATUS -- cm7 exited with status 1" "$W/fail.out" || fail "failing result line"

# no root given: file access is refused (the firmware's fopen fails -> its test fails -> 5)
"$H7EMU" run --cm7 "$FW/semihost_cm7.elf" --semihosting --semihosting-cmdline "x --files" --quiet --for 2s > "$W/noroot.out" 2>&1
rc=$?
[ $rc -eq 5 ] && grep -q "FAIL fopen in the semihosting root" "$W/noroot.out" || fail "files without a root: rc $rc"

# both cores write: every console line carries its core
"$H7EMU" run --cm7 "$FW/semihost_cm7.elf" --cm4 "$FW/semihost_cm4.elf" --semihosting --quiet --for 2s > "$W/dual.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "^cm4: 8 tests, 0 failures" "$W/dual.out" && grep -q "^cm7: 8 tests, 0 failures" "$W/dual.out" \
    || fail "dual-core prefixes: rc $rc"

# virtual time only: two runs print the same bytes (clock(), SYS_ELAPSED included)
"$H7EMU" run --cm7 "$FW/semihost_cm7.elf" --semihosting --quiet --for 2s > "$W/det.a" 2>&1
"$H7EMU" run --cm7 "$FW/semihost_cm7.elf" --semihosting --quiet --for 2s > "$W/det.b" 2>&1
cmp "$W/det.a" "$W/det.b" || fail "two runs differ"

# without --semihosting, BKPT 0xAB is a BKPT with no debugger: HardFault -> firmware fault (4)
"$H7EMU" run --cm7 "$FW/semihost_cm7.elf" --quiet --for 10ms > "$W/off.out" 2>&1
rc=$?
[ $rc -eq 4 ] && grep -q "HardFault" "$W/off.out" || fail "without --semihosting: rc $rc"
# the same from a scenario file: semihosting.root relative to the scenario, the exit status judged
mkdir -p "$W/scn/out"
cat > "$W/scn/files.yaml" <<EOF
name: semihosting with a file root
images: {cm7: "$FW/semihost_cm7.elf"}
semihosting: {root: out, cmdline: "semihost --files --escape"}
steps: [run: 2s]
expect:
  sequence: ['cm7: semihosting "PASS read it back"']
  exit: 0
EOF
"$H7EMU" run "$W/scn/files.yaml" --quiet > "$W/scn.out" 2>&1 || { cat "$W/scn.out"; fail "scenario with semihosting.root"; }
grep -q "written by the cm7" "$W/scn/out/result.txt" || fail "scenario: the file was not written in the root"
sed 's/exit: 0/exit: 7/' "$W/scn/files.yaml" > "$W/scn/files7.yaml"
"$H7EMU" run "$W/scn/files7.yaml" --quiet > "$W/scn7.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "files7.yaml:7: cm7 exited with status 0 (semihosting), expected status 7" "$W/scn7.out" \
    || { cat "$W/scn7.out"; fail "scenario expecting another status: rc $rc"; }
echo "semihosting: all checks passed"
