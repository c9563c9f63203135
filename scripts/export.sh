#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write the commits of build/linux on top of the base back into series/
# as git format-patch files with stable names and contents: no commit
# hashes, no git version signature. The commits are split into the
# series of series/SERIES, in its order and with its counts, one
# directory each, numbered within their series. Each cover letter's text
# (everything above its "--- series summary ---" marker) is kept; the
# shortlog, diffstat, base and prerequisites below it are regenerated.
#
# OUT=dir writes elsewhere (used by the round-trip check in make test).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
tree=${TREE:-$top/build/linux}
out=${OUT:-$top/series}
version=$(cat "$top/series/VERSION" 2>/dev/null || echo 1)
prefix=PATCH
[ "$version" -gt 1 ] && prefix="PATCH v$version"
base=$(git -C "$tree" rev-parse series-base)
mapfile -t commits < <(git -C "$tree" rev-list --reverse "$base..HEAD")
mapfile -t list < <(series_list)
want=0
for l in "${list[@]}"; do want=$((want + ${l#* })); done
if [ "$want" != "${#commits[@]}" ]; then
	echo "export: series/SERIES counts $want patches, the tree has ${#commits[@]} commits" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
marker='--- series summary ---'
base_desc=$(git -C "$tree" log -1 --format=%s "$base" | sed 's/^base: //')
k=0
prev=$base
prereq=()
total=0
for l in "${list[@]}"; do
	d=${l% *}
	n=${l#* }
	first=${commits[$k]}
	last=${commits[$((k + n - 1))]}
	k=$((k + n))
	mkdir -p "$tmp/$d"
	git -C "$tree" -c core.abbrev=12 format-patch -q --zero-commit --no-signature --no-base \
		--subject-prefix="$prefix" --numbered -o "$tmp/$d" "$first~1..$last"
	cover=$top/series/$d/0000-cover-letter.patch
	{
		if [ -f "$cover" ]; then
			sed "/^$marker\$/,\$d" "$cover" |
				sed -E "s/^Subject: \[[^]]*\]/Subject: [$prefix 0\/$n]/"
		else
			printf 'From: %s <%s>\nSubject: [%s 0/%d] *** SUBJECT HERE ***\n\n*** BLURB HERE ***\n\n' \
				"$(git config user.name)" "$(git config user.email)" "$prefix" "$n"
		fi
		echo "$marker"
		echo
		git -C "$tree" shortlog --no-merges "$first~1..$last" | sed 's/^\s*$//'
		git -C "$tree" diff --stat=72 "$first~1..$last" | sed 's/^/ /'
		echo
		# A base with a commit (KSRC= a git tree) is named the way
		# git format-patch --base does; Debian's tarball has none.
		sha=$(echo "$base_desc" | grep -oE '\b[0-9a-f]{40}\b' || true)
		if [ -n "$sha" ]; then
			echo "base-commit: $sha"
		else
			echo "base: $base_desc"
		fi
		# The series before this one, which it applies on top of, as
		# git format-patch --base names them.
		for c in "${prereq[@]}"; do
			echo "prerequisite-patch-id: $(git -C "$tree" show "$c" | git patch-id --stable | cut -d' ' -f1)"
		done
		echo "-- "
		echo
	} > "$tmp/$d/cover"
	mapfile -t -O ${#prereq[@]} prereq < <(git -C "$tree" rev-list --reverse "$prev..$last")
	prev=$last
	# Per-patch notes (change logs, remarks for the maintainers) live in
	# series/notes/NAME.txt, NAME being the file name without its
	# number; they go below the patch's "---" line, where git am drops
	# them.
	for p in "$tmp/$d"/*.patch; do
		[ -f "$p" ] || continue
		name=$(basename "$p" .patch)
		note=$top/series/notes/${name#[0-9][0-9][0-9][0-9]-}.txt
		[ -f "$note" ] || continue
		python3 - "$p" "$note" <<'PY'
import sys
p, n = sys.argv[1], sys.argv[2]
lines = open(p).read().split('\n')
i = lines.index('---')
note = open(n).read().rstrip('\n').split('\n')
lines[i + 1:i + 1] = note + ['']
open(p, 'w').write('\n'.join(lines))
PY
	done
	mkdir -p "$out/$d"
	find "$out/$d" -maxdepth 1 -name '*.patch' -delete
	mv "$tmp/$d/cover" "$out/$d/0000-cover-letter.patch"
	mv "$tmp/$d"/*.patch "$out/$d/"
	total=$((total + n))
	echo "export: $n patches to ${out#$top/}/$d/"
done
# Series directories that series/SERIES no longer names.
for x in "$out"/*/; do
	x=$(basename "$x")
	[ "$x" = notes ] && continue
	printf '%s\n' "${list[@]}" | awk '{ print $1 }' | grep -qx "$x" || rm -rf "${out:?}/$x"
done
echo "export: $total patches in ${#list[@]} series"
