#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's linux-source-7.3 package (suite trixie-backports) into
# cache/ without touching the machine's apt configuration: a private apt
# state under cache/apt reuses the mirror URI that the machine's own
# sources already name. A second run with the .deb in cache/ is offline.
#
# Output: cache/linux-source/linux-source-7.3.tar.xz and
#         cache/linux-source/VERSION (the exact package version).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CACHE:-$top/cache}
pkg=${BASE_PACKAGE:-linux-source-7.3}
suite=${BASE_SUITE:-trixie-backports}
out=$cache/linux-source
mkdir -p "$out"

if [ -f "$out/VERSION" ] && ls "$out"/*.tar.xz >/dev/null 2>&1; then
	echo "fetch-base: cached $(cat "$out/VERSION")"
	exit 0
fi

# The mirror URI, read from the machine's apt configuration.
mirror_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f"
	done
}
uri=$(mirror_uri | grep -v -e security -e updates | grep -E '/debian/?$' | head -1 || true)
[ -n "$uri" ] || uri=$(mirror_uri | grep -v security | head -1 || true)
if [ -z "$uri" ]; then
	echo "fetch-base: no Debian mirror in this machine's apt configuration" >&2
	exit 1
fi

apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc/sources.list.d" "$apt/etc/preferences.d"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$apt/etc/sources.list" <<SRC
deb [signed-by=$keyring] $uri $suite main
SRC
aptopts=(
	-o Dir::Etc::sourcelist="$apt/etc/sources.list"
	-o Dir::Etc::sourceparts="$apt/etc/sources.list.d"
	-o Dir::Etc::preferencesparts="$apt/etc/preferences.d"
	-o Dir::State::Lists="$apt/lists"
	-o Dir::Cache::Archives="$apt/archives"
	-o Dir::State::status=/dev/null
	-o APT::Architecture=amd64
	-o Debug::NoLocking=1
	-o APT::Sandbox::User=root
)
echo "fetch-base: $pkg from $suite"
apt-get "${aptopts[@]}" -qq update
ver=$(apt-cache "${aptopts[@]}" policy "$pkg" | awk '/Candidate:/ { print $2 }')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	echo "fetch-base: $pkg not found in $suite" >&2
	exit 1
fi
case "$ver" in
7.3*) ;;
*) echo "fetch-base: $pkg is $ver, expected 7.3.y" >&2; exit 1 ;;
esac
(cd "$apt/archives" && apt-get "${aptopts[@]}" -qq download "$pkg=$ver")
deb=$(ls "$apt/archives/${pkg}_"*.deb | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
tarball=$(find "$tmp/usr/src" -name 'linux-source-*.tar.xz' | head -1)
mv "$tarball" "$out/"
echo "$pkg $ver" > "$out/VERSION"
rm -f "$deb"
echo "fetch-base: $(cat "$out/VERSION")"
