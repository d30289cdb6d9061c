#!/usr/bin/env bash
# The two Unicorn libraries h7emu supports, as Debian packages them:
#   2.1 = Debian 13 (trixie) libunicorn2t64 / libunicorn-dev 2.1.1 — the default engine;
#   2.0 = Debian 12 (bookworm) libunicorn2 / libunicorn-dev 2.0.1 — kept working, tested in CI.
# The one the system's apt installed is used from /usr. The other is downloaded with apt-get from
# its own Debian suite using a private apt state under .deps/apt (nothing in /etc/apt, /var/lib/apt
# or dpkg's database changes) and unpacked with dpkg-deb into .deps/unicorn-<ver>/ (README,
# docs/machine.md "Engine").
#   scripts/unicorn.sh fetch         make both available (run by install-deps.sh)
#   scripts/unicorn.sh root 2.1|2.0  print the unpacked root of that version ("" if it is the system's)
#   scripts/unicorn.sh libdir 2.1|2.0  print the directory holding its libunicorn.so.2
set -euo pipefail
cd "$(dirname "$0")/.."
DEPS="$PWD/.deps"
MA=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

suite_of() { case "$1" in 2.1) echo trixie ;; 2.0) echo bookworm ;; *) echo "unicorn.sh: version 2.0 or 2.1" >&2; exit 2 ;; esac; }
pkgs_of() { case "$1" in 2.1) echo "libunicorn2t64 libunicorn-dev" ;; 2.0) echo "libunicorn2 libunicorn-dev" ;; esac; }

# Version (major.minor) of the system's libunicorn-dev, empty if none.
system_version() {
    dpkg-query -W -f='${Status} ${Version}\n' libunicorn-dev 2>/dev/null |
        awk '/install ok installed/ { split($4, v, "."); print v[1] "." v[2] }'
}

root_of() {
    if [ "$(system_version)" = "$1" ]; then echo ""; else echo "$DEPS/unicorn-$1"; fi
}

fetch_one() {
    local ver=$1 root suite apt
    root=$(root_of "$ver")
    [ -n "$root" ] || return 0
    [ -f "$root/usr/lib/$MA/libunicorn.so.2" ] && [ -f "$root/usr/include/unicorn/unicorn.h" ] && return 0
    suite=$(suite_of "$ver")
    apt="$DEPS/apt/$suite"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
        >"$apt/sources.list"
    : >"$apt/status"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status"
                -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
                -o APT::Sandbox::User=root -qq)
    echo "h7emu: fetching Unicorn $ver from Debian $suite into $root"
    apt-get "${opts[@]}" update
    (cd "$apt/debs" && rm -f ./*.deb && apt-get "${opts[@]}" download $(pkgs_of "$ver"))
    rm -rf "$root.tmp"
    mkdir -p "$root.tmp"
    for deb in "$apt/debs"/*.deb; do dpkg-deb -x "$deb" "$root.tmp"; done
    rm -rf "$root"
    mv "$root.tmp" "$root"
    rm -rf "$apt"   # the package lists (~70 MB) are not needed any more
}

case "${1:-}" in
fetch) fetch_one 2.1; fetch_one 2.0 ;;
root) suite_of "$2" >/dev/null; root_of "$2" ;;
libdir) r=$(root_of "$2"); suite_of "$2" >/dev/null; echo "${r:-}/usr/lib/$MA" ;;
*) echo "usage: scripts/unicorn.sh fetch | root 2.0|2.1 | libdir 2.0|2.1" >&2; exit 2 ;;
esac
