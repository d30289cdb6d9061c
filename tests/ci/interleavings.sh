#!/bin/sh
# `h7emu test --interleavings N`: the bundled shared-flag race passes on the default schedule, some
# seeds expose it, the reported one-line reproducer fails the same way, the same seed gives the same
# trace, and the real boot handshake keeps its result under every seed.
# Usage: interleavings.sh H7EMU FIRMWARE_DIR WORKDIR SCENARIO_DIR
set -u
H7EMU=$1 W=$3 S=$4
rm -rf "$W" && mkdir -p "$W" || exit 1
fail() { echo "FAILED: $*"; exit 1; }
RACE=$S/race_shared_flag.yaml

"$H7EMU" run "$RACE" --quiet > "$W/base.out" || { cat "$W/base.out"; fail "the race passes on the default schedule"; }
"$H7EMU" test "$RACE" --interleavings 8 --seed 1 --no-color --junit "$W/junit.xml" > "$W/explore.out"
rc=$?; cat "$W/explore.out"
[ $rc -eq 1 ] || fail "exploration exit code $rc, expected 1 (a seed differs)"
grep -q "seeds differ from the default schedule (PASS, running)" "$W/explore.out" || fail "no differing seed reported"
xmllint --noout "$W/junit.xml" && grep -q '<property name="seed" value="8"/>' "$W/junit.xml" || fail "junit with seeds"
seed=$(sed -n 's/.*reproduce: h7emu run .* --seed \([0-9]*\)$/\1/p' "$W/explore.out" | head -1)
[ -n "$seed" ] || fail "no reproducer line"

# the reproducer fails, the same way, and deterministically
"$H7EMU" run "$RACE" --seed "$seed" --quiet --jsonl "$W/a.jsonl" > "$W/repro.out"
rc=$?; cat "$W/repro.out"
[ $rc -eq 1 ] && grep -q '"CM7: CM4 did not come up"' "$W/repro.out" && grep -q "^outcome: fault" "$W/repro.out" \
    || fail "reproducer --seed $seed: rc $rc"
"$H7EMU" run "$RACE" --seed "$seed" --quiet --jsonl "$W/b.jsonl" > /dev/null
cmp "$W/a.jsonl" "$W/b.jsonl" || fail "same seed, different trace"
# seed 0 is the default schedule, byte for byte
"$H7EMU" run "$RACE" --quiet --jsonl "$W/d.jsonl" > /dev/null
"$H7EMU" run "$RACE" --seed 0 --quiet --jsonl "$W/z.jsonl" > /dev/null
cmp "$W/d.jsonl" "$W/z.jsonl" || fail "--seed 0 differs from no seed"

# the CubeMX-style boot handshake (HSEM + CStop) is robust: same result under every seed
"$H7EMU" test "$S/boot_ok.yaml" --interleavings 6 --no-color > "$W/boot.out"
rc=$?
[ $rc -eq 0 ] && grep -q "boot_ok.yaml *same result under every seed (PASS, running)" "$W/boot.out" \
    || { cat "$W/boot.out"; fail "boot_ok under interleavings: rc $rc"; }
echo "interleavings: race found at seed $seed and reproduced"
