#!/bin/sh
# Prove that the .deb installs and runs on a fresh Debian: debootstrap a minimal Debian 12
# (bookworm) into BUILD/deb-root/, `apt-get install ./h7emu_*.deb` in a chroot of it (apt pulls
# the Depends from the Debian mirror), then run `h7emu --version`, the bundled scenario suite
# (scenarios/*.yaml with the firmware of the build tree copied in: the package ships neither) and
# a semihosting test image with the installed program. docs/ci.md "Checking the package".
#
# usage: scripts/deb-check.sh [BUILD_DIR]          (default: build; needs a built tree)
#   DEB_CHECK_SUITE=trixie   another Debian release (default bookworm)
#   DEB_CHECK_MIRROR=URL     the Debian mirror (default http://deb.debian.org/debian)
#   DEB_CHECK_FRESH=1        debootstrap again instead of reusing BUILD/deb-root/SUITE-base
#
# The debootstrapped base is kept (BUILD/deb-root/SUITE-base, ~250 MB) and copied for each check
# (SUITE-run), so every check starts from a root that has never seen h7emu, and only the first run
# downloads the base system. Runs as root (chroot, debootstrap), or through sudo.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-$ROOT/build}" && pwd)
SUITE=${DEB_CHECK_SUITE:-bookworm}
MIRROR=${DEB_CHECK_MIRROR:-http://deb.debian.org/debian}
D=$B/deb-root
BASE=$D/$SUITE-base
R=$D/$SUITE-run
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
t0=$(date +%s)
say() { echo "deb-check: $*"; }
fail() { echo "deb-check: FAILED: $*" >&2; exit 1; }

[ -x "$B/h7emu" ] || fail "no $B/h7emu: build first (scripts/build.sh)"
command -v debootstrap >/dev/null 2>&1 || $SUDO apt-get install -y --no-install-recommends debootstrap >/dev/null \
    || fail "cannot install debootstrap"

# 1. the package, from this build tree (brought up to date first: the package settings may have changed)
cmake --build "$B" --target h7emu >/dev/null || fail "cmake --build $B"
(cd "$B" && cpack -G DEB >/dev/null) || fail "cpack -G DEB"
DEB=$(ls -t "$B"/h7emu_*.deb | head -1)
say "package $(basename "$DEB"): Depends: $(dpkg-deb -f "$DEB" Depends)"

# 2. a minimal Debian (kept between checks; DEB_CHECK_FRESH=1 redoes it)
if [ "${DEB_CHECK_FRESH:-0}" = 1 ] || [ ! -f "$BASE/.deb-check-complete" ]; then
    say "debootstrap --variant=minbase $SUITE $BASE $MIRROR"
    $SUDO rm -rf "$BASE" "$BASE.tmp"
    mkdir -p "$D"
    $SUDO debootstrap --variant=minbase "$SUITE" "$BASE.tmp" "$MIRROR" > "$D/debootstrap-$SUITE.log" 2>&1 \
        || { tail -20 "$D/debootstrap-$SUITE.log"; fail "debootstrap (log: $D/debootstrap-$SUITE.log)"; }
    $SUDO rm -rf "$BASE.tmp/var/cache/apt/archives/"*.deb
    $SUDO touch "$BASE.tmp/.deb-check-complete"
    $SUDO mv "$BASE.tmp" "$BASE"
fi
t1=$(date +%s)

# 3. a copy of it that has never seen h7emu, with the package, the suite and its firmware
cleanup() { $SUDO umount "$R/proc" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
cleanup
$SUDO rm -rf "$R"
$SUDO cp -a "$BASE" "$R"
$SUDO rm -f "$R/.deb-check-complete"
$SUDO mkdir -p "$R/opt/check/firmware"
$SUDO cp "$DEB" "$R/opt/check/"
$SUDO cp -r "$ROOT/scenarios" "$R/opt/check/scenarios"
$SUDO cp "$B"/firmware/*.elf "$B"/firmware/*.hex "$B"/firmware/*.bin "$B"/*.elf "$R/opt/check/firmware/" 2>/dev/null || true
$SUDO cp /etc/resolv.conf "$R/etc/resolv.conf"
$SUDO mount -t proc proc "$R/proc" 2>/dev/null || say "(no /proc in the chroot: mount refused)"
in_root() {
    $SUDO chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive H7_FIRMWARE_DIR=/opt/check/firmware "$@"
}

# 4. install it as a user would: apt resolves the Depends from the mirror
in_root sh -c 'apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends /opt/check/h7emu_*.deb' \
    > "$D/install-$SUITE.log" 2>&1 || { tail -30 "$D/install-$SUITE.log"; fail "apt-get install ./h7emu_*.deb"; }
say "installed; pulled in: $(grep -o '^Setting up [^ ]*' "$D/install-$SUITE.log" | cut -d' ' -f3 | tr '\n' ' ')"
in_root sh -c '! ls -d /work /opt/check/.deps 2>/dev/null' || fail "the chroot sees a build tree"
if readelf -d "$R/usr/bin/h7emu" | grep -q 'R.*PATH'; then fail "the installed h7emu has an RPATH/RUNPATH"; fi

# 5. run it
in_root h7emu --version || fail "h7emu --version"
in_root h7emu test /opt/check/scenarios --jobs "$(nproc)" --no-color --junit /opt/check/junit.xml > "$D/suite-$SUITE.log" 2>&1 \
    || { tail -40 "$D/suite-$SUITE.log"; fail "h7emu test on the bundled scenarios"; }
tail -1 "$D/suite-$SUITE.log"
in_root h7emu run --cm7 /opt/check/firmware/semihost_cm7.elf --semihosting --quiet --for 2s > "$D/semihost-$SUITE.log" 2>&1 \
    || { cat "$D/semihost-$SUITE.log"; fail "semihosting exit status through the installed h7emu"; }
tail -1 "$D/semihost-$SUITE.log"
in_root test -f /usr/share/cmake/h7emu/h7emuConfig.cmake || fail "no CMake package in /usr/share/cmake/h7emu"
t2=$(date +%s)
cleanup
$SUDO rm -rf "$R"   # the base stays for the next check; the logs stay in $D
say "passed on $SUITE: package + base system $((t1 - t0)) s, install + checks $((t2 - t1)) s, total $((t2 - t0)) s"
