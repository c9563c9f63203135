#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kconfig.sh O FRAGMENT... : write O/.config from the fragments (later ones
# win), run olddefconfig, and fail if any requested option did not stick.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${TREE:-$top/build/linux}
o=$(realpath -m "$1")
shift
mkdir -p "$o"
want=$(mktemp)
defined=$(mktemp)
trap 'rm -f "$want" "$defined"' EXIT
for f in "$@"; do
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$f"
done | python3 -c '
import sys
d = {}
for l in sys.stdin:
    l = l.strip()
    if l.startswith("# "):
        k = l.split()[1]; v = "n"
    else:
        k, v = l.split("=", 1)
    d[k] = v
for k, v in d.items():
    print(f"{k}={v}")
' > "$want"
new=$(mktemp)
sed -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=n$/# \1 is not set/' "$want" > "$new"
# Symbols the tree does not define (yet) are part of the key, so that the
# same fragments are applied again once a patch adds them.
grep -rhoE --include='Kconfig*' '^\s*(menu)?config [A-Za-z0-9_]+' "$tree" |
	awk '{ print "CONFIG_" $2 }' | sort -u > "$defined"
while IFS='=' read -r k _; do
	grep -qx "$k" "$defined" || echo "# undefined: $k" >> "$new"
done < "$want"
if [ -f "$o/.config" ] && [ -f "$o/.config.fragment" ] && cmp -s "$new" "$o/.config.fragment"; then
	rm -f "$new"
	exit 0
fi
grep -v '^# undefined: ' "$new" > "$o/.config"
rm -f "$o/.config.fragment"
make -s -C "$tree" O="$o" ARCH=x86_64 olddefconfig >/dev/null
# The key only once olddefconfig is through: an interrupted run must not
# leave a half-made .config that the next run takes as done.
mv "$new" "$o/.config.fragment"
bad=0
while IFS='=' read -r k v; do
	# A symbol the series adds does not exist in the base: nothing to set.
	if ! grep -qx "$k" "$defined"; then
		echo "kconfig: $k is not defined in this tree, skipped"
		continue
	fi
	if [ "$v" = n ]; then
		if grep -q "^$k=" "$o/.config"; then echo "kconfig: $k=n did not stick" >&2; bad=1; fi
	elif ! grep -qx "$k=$v" "$o/.config"; then
		echo "kconfig: $k=$v did not stick (have: $(grep "^$k=" "$o/.config" || echo unset))" >&2
		bad=1
	fi
done < "$want"
if [ $bad -ne 0 ]; then
	rm -f "$o/.config.fragment"
	exit 1
fi
