#!/bin/sh
# `h7emu test --shard K/N` partitions the suite exactly: every scenario in exactly one shard, for
# every N from 1 to 7; each shard that runs writes its own well-formed JUnit with properties.
# Usage: shards.sh H7EMU FIRMWARE_DIR WORKDIR SCENARIO_DIR
set -u
H7EMU=$1 W=$3 S=$4
rm -rf "$W" && mkdir -p "$W" || exit 1
fail() { echo "FAILED: $*"; exit 1; }
"$H7EMU" test "$S" --list | sort > "$W/all" || fail "--list"
total=$(wc -l < "$W/all")
[ "$total" -ge 10 ] || fail "only $total scenarios listed"
for n in 1 2 3 4 5 6 7; do
    : > "$W/union"
    k=1
    while [ $k -le $n ]; do
        "$H7EMU" test "$S" --shard $k/$n --list >> "$W/union" || fail "--shard $k/$n --list"
        k=$((k + 1))
    done
    sort "$W/union" > "$W/union.sorted"
    cmp -s "$W/all" "$W/union.sorted" || { diff "$W/all" "$W/union.sorted"; fail "shards of $n do not partition the suite"; }
done
# the split is stable: the same shard lists the same files twice, and does not depend on the path spelling
"$H7EMU" test "$S" --shard 2/3 --list | sed 's|.*/||' > "$W/a"
(cd "$S" && "$H7EMU" test . --shard 2/3 --list) | sed 's|.*/||' > "$W/b"
cmp "$W/a" "$W/b" || fail "shard depends on how the directory is spelled"
# two shards really run, each with its own JUnit; together they hold every scenario once
for k in 1 2; do
    "$H7EMU" test "$S" --shard $k/2 --no-color --junit "$W/junit-$k.xml" > "$W/run-$k.out" || { cat "$W/run-$k.out"; fail "shard $k/2 failed"; }
    xmllint --noout "$W/junit-$k.xml" || fail "junit $k not well-formed"
done
cat "$W/junit-1.xml" "$W/junit-2.xml" | grep -o 'file="[^"]*"' | sed 's/file="//; s/"$//' | sort > "$W/ran"
cmp "$W/all" "$W/ran" || fail "the two shards did not run the suite exactly once"
grep -q '<property name="board" value="nucleo-h755zi-q"/>' "$W/junit-1.xml" || fail "board property"
grep -q '<property name="virtual_time" value="[0-9.]* us"/>' "$W/junit-1.xml" || fail "virtual_time property"
grep -q '<property name="exit_reason" value="passed"/>' "$W/junit-1.xml" || fail "exit_reason property"
# a failure's message carries the diagnosis (root cause) when a rule fired
"$H7EMU" test "$S/negative/expects_running_but_locks.yaml" --no-color --junit "$W/neg.xml" > /dev/null
grep -q 'failure message="[^"]*outcome is locked, expected running -- diagnosis: PWR-SUPPLY-MISMATCH' "$W/neg.xml" \
    || fail "diagnosis in the failure message"
grep -q '<property name="outcome" value="locked"/>' "$W/neg.xml" || fail "outcome property"
echo "shards: $total scenarios, partitions of 1..7 exact"
