#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the tooling needs, once per machine.
set -euo pipefail
pkgs=(build-essential flex bison bc libelf-dev libssl-dev qemu-system-x86
      sparse python3 python3-ply python3-git python3-sphinx python3-yaml git b4 xz-utils cpio rsync perl libdrm-dev pkg-config
      # IGT (scripts/igt.sh): what igt-gpu-tools needs to configure and build an xe test
      meson ninja-build libpciaccess-dev libkmod-dev libunwind-dev libdw-dev libcairo2-dev libudev-dev
      libpixman-1-dev libglib2.0-dev zlib1g-dev libjson-c-dev libpci-dev python3-docutils)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -qq update
apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null
