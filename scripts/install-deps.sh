#!/usr/bin/env bash
# Install the Debian packages h7emu needs (idempotent: installs only what is missing).
# libunicorn-dev is whatever the system's Debian release has (2.0.1 on Debian 12, 2.1.1 on 13).
set -euo pipefail
PKGS=(cmake make gcc pkg-config python3 libunicorn-dev libelf-dev libdw-dev libyaml-dev libcmocka-dev
      gcc-arm-none-eabi libnewlib-arm-none-eabi gdb-multiarch qemu-system-arm libxml2-utils librsvg2-bin fonts-dejavu-core
      clang libclang-rt-14-dev)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "h7emu: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Unicorn 2.1 (the default engine) and 2.0 (tested too): the one not installed above comes from its
# own Debian suite into .deps/, without touching the system's apt or dpkg state (scripts/unicorn.sh).
"$(dirname "$0")/unicorn.sh" fetch
