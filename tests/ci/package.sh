#!/bin/sh
# The CMake package: `cmake --install` of this build, then a tiny out-of-tree firmware project
# (tests/ci/oot) that finds it with find_package(h7emu), builds its firmware and runs its scenarios
# as its own ctest tests; the pkg-config file; and the Debian package from CPack.
# Usage: package.sh H7EMU FIRMWARE_DIR WORKDIR BUILD_DIR SOURCE_DIR
set -u
W=$3 B=$4 SRC=$5
rm -rf "$W" && mkdir -p "$W" || exit 1
fail() { echo "FAILED: $*"; exit 1; }

cmake --install "$B" --prefix "$W/prefix" > "$W/install.log" || { cat "$W/install.log"; fail "cmake --install"; }
[ -x "$W/prefix/bin/h7emu" ] || fail "h7emu not installed"
[ -f "$W/prefix/share/cmake/h7emu/h7emuConfig.cmake" ] || fail "CMake config not installed"
PKG_CONFIG_PATH="$W/prefix/share/pkgconfig" pkg-config --modversion h7emu | grep -qx "0.1.0" || fail "pkg-config version"
exe=$(PKG_CONFIG_PATH="$W/prefix/share/pkgconfig" pkg-config --variable=h7emu h7emu)
"$exe" --version | grep -q "^h7emu" || fail "pkg-config's h7emu variable ($exe) does not run"

# the out-of-tree project: configure, build, run its tests (the scenario on its own board, the LDO
# board and its board file; its semihosting unit tests, passing and broken)
cmake -S "$SRC/tests/ci/oot" -B "$W/oot" -DCMAKE_PREFIX_PATH="$W/prefix" > "$W/oot-configure.log" 2>&1 \
    || { cat "$W/oot-configure.log"; fail "configure the firmware project"; }
cmake --build "$W/oot" > "$W/oot-build.log" 2>&1 || { cat "$W/oot-build.log"; fail "build the firmware project"; }
ctest --test-dir "$W/oot" --output-on-failure > "$W/oot-ctest.log" 2>&1
rc=$?; cat "$W/oot-ctest.log"
[ $rc -eq 0 ] || fail "the firmware project's scenarios"
grep -q "100% tests passed, 0 tests failed out of 5" "$W/oot-ctest.log" || fail "expected 5 tests"
"$W/prefix/bin/h7emu" run --cm7 "$W/oot/unit_tests_broken.elf" --semihosting --quiet > "$W/broken.out"
rc=$?
[ $rc -eq 5 ] && grep -q "^unit tests: FAILED" "$W/broken.out" && grep -q "exited with status 1 (semihosting)" "$W/broken.out" \
    || { cat "$W/broken.out"; fail "semihosting exit status through the installed h7emu: rc $rc"; }
grep -q "boards.boot.my-board" "$W/oot-ctest.log" && grep -q "boards.boot.nucleo-h755zi-q-ldo" "$W/oot-ctest.log" \
    && grep -q "h7emu.boot " "$W/oot-ctest.log" || fail "test names"
ctest --test-dir "$W/oot" -N -V -R boards.boot.my-board | grep -q -- "\"--board\" \"$SRC/tests/ci/oot/boards/my-board.yaml\"" \
    || fail "board file passed to h7emu"
# --board really replaces the scenario's board: the direct-SMPS boot on the LDO board locks
"$1" run "$SRC/scenarios/boot_ok.yaml" --board nucleo-h755zi-q-ldo --quiet > "$W/board.out" 2>&1
[ $? -eq 1 ] && grep -q "^outcome: locked" "$W/board.out" || { cat "$W/board.out"; fail "--board override"; }

# the .deb: package, then look inside
(cd "$B" && cpack -G DEB -B "$W/deb" > "$W/cpack.log" 2>&1) || { cat "$W/cpack.log"; fail "cpack"; }
deb=$(ls "$W"/deb/h7emu_0.1.0_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb"
dpkg-deb -c "$deb" > "$W/deb.list"
for f in ./usr/bin/h7emu ./usr/share/cmake/h7emu/h7emuConfig.cmake ./usr/share/pkgconfig/h7emu.pc; do
    grep -q " $f$" "$W/deb.list" || fail "$f not in the .deb"
done
dep=$(dpkg-deb -f "$deb" Depends)
# Debian 12 names, each with its Debian 13 (64-bit time_t) alternative
for d in "libunicorn2 (>= 2.0.1) | libunicorn2t64 (>= 2.0.1)" "libelf1 | libelf1t64" "libdw1 | libdw1t64" "libyaml-0-2"; do
    case "$dep" in *"$d"*) ;; *) fail "Depends lacks '$d': $dep" ;; esac
done
# the packaged program never looks into a build tree (scripts/deb-check.sh installs it for real)
dpkg-deb -x "$deb" "$W/deb/root"
if readelf -d "$W/deb/root/usr/bin/h7emu" | grep -q 'R.*PATH'; then fail "the packaged h7emu has an RPATH/RUNPATH"; fi
echo "package: installed, used by an out-of-tree project, packaged as $(basename "$deb")"
