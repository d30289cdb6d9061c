#!/usr/bin/env bash
# Install the Debian packages h7emu needs (idempotent: installs only what is missing).
set -euo pipefail
PKGS=(cmake make gcc pkg-config python3 libunicorn-dev libelf-dev libdw-dev libyaml-dev libcmocka-dev
      gcc-arm-none-eabi libnewlib-arm-none-eabi gdb-multiarch qemu-system-arm libxml2-utils librsvg2-bin fonts-dejavu-core)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "h7emu: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
