#!/bin/sh
# A lockup while GDB continues: GDB gets SIGSEGV and the timeline says what locked up.
# Usage: gdb_lockup.sh H7EMU ELF OUT. A port another program holds is skipped (the next one is tried).
set -u
H7EMU=$1 ELF=$2 OUT=$3
s=
for attempt in 1 2 3 4 5 6 7 8; do
    p=$((20000 + ($$ * 16 + attempt * 2) % 20000))
    "$H7EMU" run --cm7 "$ELF" --gdb $p --gdb-wait --quiet > "$OUT.srv" 2>&1 &
    s=$!
    i=0
    while [ $i -lt 200 ] && ! grep -q "gdb server\|cannot listen" "$OUT.srv"; do
        sleep 0.05
        i=$((i + 1))
    done
    grep -q "gdb server" "$OUT.srv" && break
    kill -KILL $s 2>/dev/null
    wait $s 2>/dev/null
    s=
done
[ -n "$s" ] || { cat "$OUT.srv"; echo "FAILED: h7emu did not start its gdb server"; exit 1; }
timeout 60 gdb-multiarch -batch -nx -ex "target remote :$p" -ex continue -ex detach "$ELF" > "$OUT" 2>&1
rc=$?
kill -TERM $s 2>/dev/null
wait $s
cat "$OUT"
[ $rc -eq 0 ] && grep -q 'SIGSEGV' "$OUT" && grep -q 'cm7 locked up: lockup: instruction fetch from execute-never' "$OUT"
