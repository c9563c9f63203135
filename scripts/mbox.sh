#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make series: the whole series as one mbox, build/series-vN.mbox, each
# message addressed with get_maintainer.pl: the lists To, the people Cc;
# the cover letter gets the union. `git am` of that file on a fresh base
# reproduces the series tree (make test checks the round trip).
#
# TREE= the tree whose MAINTAINERS to use (default build/linux).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
tree=${TREE:-$top/build/linux}
version=$(cat "$top/series/VERSION")
out=${OUT:-$top/build/series-v$version.mbox}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# addresses KIND PATCH: the lists (KIND=l) or the people (KIND=p) for PATCH.
# By file only: the K: keyword patterns match words anywhere in a patch
# (a comment of the drm_pagemap test that names PREEMPT_RT would Cc the
# real-time maintainers and list).
addresses() {
	local opts=(--no-m --no-r --l)
	[ "$1" = p ] && opts=(--m --r --no-l)
	(cd "$tree" && scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-keywords \
		--no-rolestats --no-multiline --separator $'\n' --no-tree \
		"${opts[@]}" "$2" 2>/dev/null) | { grep -v '^$' || true; } | sort -u
}

mapfile -t patches < <(series_patches)
: > "$tmp/all.l"
: > "$tmp/all.p"
for p in "${patches[@]}"; do
	b=$(basename "$p")
	addresses l "$p" > "$tmp/$b.l"
	addresses p "$p" > "$tmp/$b.p"
	cat "$tmp/$b.l" >> "$tmp/all.l"
	cat "$tmp/$b.p" >> "$tmp/all.p"
done
sort -u "$tmp/all.l" -o "$tmp/all.l"
sort -u "$tmp/all.p" -o "$tmp/all.p"

# address FILE STEM: To: the lists of STEM.l, Cc: the people of STEM.p,
# inserted before the Subject: header of FILE.
address() {
	python3 - "$1" "$2.l" "$2.p" <<'PY'
import sys
msg, lists, people = sys.argv[1:]
to = [a.strip() for a in open(lists) if a.strip()]
cc = [a.strip() for a in open(people) if a.strip()]
lines = open(msg).read().split('\n')
i = next(k for k, l in enumerate(lines) if l.startswith('Subject:'))
hdr = []
if to:
    hdr.append('To: ' + ',\n    '.join(to))
if cc:
    hdr.append('Cc: ' + ',\n    '.join(cc))
lines[i:i] = hdr
sys.stdout.write('\n'.join(lines).rstrip('\n') + '\n')
PY
}

{
	cover=$top/series/0000-cover-letter.patch
	echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
	address "$cover" "$tmp/all"
	# Every patch goes to all the series' lists, so that each list sees
	# the whole series; Cc the people get_maintainer.pl names for it.
	for p in "${patches[@]}"; do
		cp "$tmp/all.l" "$tmp/$(basename "$p").l"
		echo
		address "$p" "$tmp/$(basename "$p")"
	done
} > "$out"
echo "series: ${out#$top/} ($(grep -c '^From 0000000000000000000000000000000000000000' "$out") messages)"
echo "To (lists):"
sed 's/^/  /' "$tmp/all.l"
echo "Cc (people):"
sed 's/^/  /' "$tmp/all.p"
