#!/bin/sh
# Images without ELF (Intel HEX, FILE.bin@ADDR) run like the ELF they came from; the console
# streams to stdout with --uart - (--uart-prefix names the core of each line), takes input with --uart-input FILE|-, and no progress line
# appears when stderr is not a terminal. Usage: images_console.sh H7EMU FIRMWARE_DIR WORKDIR
set -u
H7EMU=$1 FW=$2 W=$3
rm -rf "$W" && mkdir -p "$W" || exit 1
fail() { echo "FAILED: $*"; exit 1; }

"$H7EMU" run --cm7 "$FW/boot_cm7.elf" --cm4 "$FW/boot_cm4.elf" --for 20ms --uart "$W/elf.uart" --jsonl "$W/elf.jsonl" > "$W/elf.out" || fail "elf run"
"$H7EMU" run --cm7 "$FW/boot_cm7.hex" --cm4 "$FW/boot_cm4.bin@0x08100000" --for 20ms --uart "$W/raw.uart" --jsonl "$W/raw.jsonl" > "$W/raw.out" \
    || { cat "$W/raw.out"; fail "hex + bin run"; }
cmp "$W/elf.uart" "$W/raw.uart" || fail "console output differs between ELF and HEX/BIN"
# the same events, except that without symbols a boot address has no function name
sed 's/ Reset_Handler+0x0 (startup.c:[0-9]*)//' "$W/elf.jsonl" > "$W/elf.nosym.jsonl"
cmp "$W/elf.nosym.jsonl" "$W/raw.jsonl" || { diff "$W/elf.nosym.jsonl" "$W/raw.jsonl" | head; fail "trace differs"; }
# a broken HEX file: exit 2 and file:line
awk 'NR == 3 { c = substr($0, 10, 1); $0 = substr($0, 1, 9) (c == "0" ? "1" : "0") substr($0, 11) } 1' "$FW/boot_cm7.hex" > "$W/bad.hex"
"$H7EMU" run --cm7 "$W/bad.hex" --for 1ms > "$W/bad.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "bad.hex:3: checksum mismatch" "$W/bad.out" || { cat "$W/bad.out"; fail "bad hex: rc $rc"; }

# the same images from a scenario's images: (FILE.bin@ADDR and .hex)
cat > "$W/raw.yaml" <<EOF
name: HEX and FILE.bin@ADDR images in a scenario
images:
  cm7: ${FW}/boot_cm7.hex
  cm4: ${FW}/boot_cm4.bin@0x08100000
steps: [run_until: {uart: "CM7: done", timeout: 500ms}]
expect: {uart: "CM4: up at 200 MHz", never: ["rule:"]}
EOF
"$H7EMU" run "$W/raw.yaml" --quiet > "$W/raw-scn.out" 2>&1 || { cat "$W/raw-scn.out"; fail "scenario with hex + bin@ images"; }
sed 's/@0x08100000/@0x0810xyz/' "$W/raw.yaml" > "$W/rawbad.yaml"
"$H7EMU" run "$W/rawbad.yaml" --quiet > "$W/rawbad.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "rawbad.yaml:4:8: images.cm4: '0x0810xyz' after '@' is not an address" "$W/rawbad.out" \
    || { cat "$W/rawbad.out"; fail "scenario with a bad image address: rc $rc"; }

# --uart -: only the console on stdout, whole lines, then the summary
"$H7EMU" run --cm7 "$FW/boot_cm7.elf" --cm4 "$FW/boot_cm4.elf" --for 300ms --uart - > "$W/stream.out" 2> "$W/stream.err" || fail "--uart -"
head -4 "$W/stream.out" | tr -d '\r' > "$W/stream.head"
printf 'CM7: boot ok\nCM7: sysclk 400 MHz\nCM4: up at 200 MHz\nCM7: done\n' | cmp - "$W/stream.head" || fail "--uart - lines"
[ ! -s "$W/stream.err" ] || { cat "$W/stream.err"; fail "stderr not empty (no progress line off a terminal)"; }

# --uart - --uart-prefix: each line names the core whose TDR writes sent it (a DMA stream: [DMA])
"$H7EMU" run --cm7 "$FW/boot_cm7.elf" --cm4 "$FW/boot_cm4.elf" --for 300ms --uart - --uart-prefix > "$W/prefix.out" || fail "--uart-prefix"
head -4 "$W/prefix.out" | tr -d '\r' > "$W/prefix.head"
printf '[CM7] CM7: boot ok\n[CM7] CM7: sysclk 400 MHz\n[CM4] CM4: up at 200 MHz\n[CM7] CM7: done\n' | cmp - "$W/prefix.head" \
    || { cat "$W/prefix.head"; fail "--uart-prefix lines"; }
"$H7EMU" run --cm7 "$FW/dma_uart_cm7.elf" --for 50ms --uart "$W/dma.uart" --uart-prefix --quiet > /dev/null || fail "--uart-prefix, DMA"
head -2 "$W/dma.uart" | tr -d '\r' > "$W/dma.head"
printf '[DMA] CM7: hello from DMA\n[CM7] CM7: dma tx done\n' | cmp - "$W/dma.head" || { cat "$W/dma.head"; fail "--uart-prefix on a DMA-sent line"; }

# --uart-input: from a file and from stdin, every byte arrives (flow-controlled, no overrun)
printf 'hello\nsecond line\n' > "$W/in.txt"
"$H7EMU" run --cm7 "$FW/echo_cm7.elf" --uart-input "$W/in.txt" --uart "$W/echo1" --for 50ms --quiet > /dev/null || fail "--uart-input FILE"
printf 'hello\nsecond line\n' | "$H7EMU" run --cm7 "$FW/echo_cm7.elf" --uart-input - --uart "$W/echo2" --for 50ms --quiet > /dev/null || fail "--uart-input -"
printf 'ready\r\necho: hello\r\necho: second line\r\n' > "$W/echo.want"
cmp "$W/echo.want" "$W/echo1" && cmp "$W/echo.want" "$W/echo2" || fail "echo output"
echo "images and console: all checks passed"
