#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write the commits of build/linux on top of the base back into series/
# as git format-patch files with stable names and contents: no commit
# hashes, no git version signature. The cover letter's text (everything
# above its "--- series summary ---" marker) is kept; the shortlog and
# diffstat below it are regenerated.
#
# OUT=dir writes elsewhere (used by the round-trip check in make test).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${TREE:-$top/build/linux}
out=${OUT:-$top/series}
version=$(cat "$top/series/VERSION" 2>/dev/null || echo 1)
prefix=PATCH
[ "$version" -gt 1 ] && prefix="PATCH v$version"
cd "$tree"
base=$(git rev-parse series-base)
n=$(git rev-list --count "$base..HEAD")
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$n" -gt 0 ]; then
	git -c core.abbrev=12 format-patch -q --zero-commit --no-signature --no-base \
		--subject-prefix="$prefix" --numbered -o "$tmp" "$base..HEAD"
fi
# The cover letter: keep its text, regenerate the summary.
cover=$top/series/0000-cover-letter.patch
marker='--- series summary ---'
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
	git shortlog --no-merges "$base..HEAD" | sed 's/^\s*$//'
	git diff --stat=72 "$base..HEAD" | sed 's/^/ /'
	echo
	echo "base-commit: $(git log -1 --format=%s "$base" | sed 's/^base: //')"
	echo "-- "
	echo
} > "$tmp/cover"
find "$out" -maxdepth 1 -name '*.patch' -delete
mv "$tmp/cover" "$out/0000-cover-letter.patch"
# Per-patch notes (change logs, remarks for the maintainers) live in
# series/notes/NAME.txt, NAME being the file name without its number; they
# go below the patch's "---" line, where git am drops them.
for p in "$tmp"/*.patch; do
	[ -f "$p" ] || continue
	name=$(basename "$p" .patch)
	note=$top/series/notes/${name#[0-9][0-9][0-9][0-9]-}.txt
	if [ -f "$note" ]; then
		python3 - "$p" "$note" <<'PY'
import sys
p, n = sys.argv[1], sys.argv[2]
lines = open(p).read().split('\n')
i = lines.index('---')
note = open(n).read().rstrip('\n').split('\n')
lines[i + 1:i + 1] = note + ['']
open(p, 'w').write('\n'.join(lines))
PY
	fi
	mv "$p" "$out/"
done
echo "export: $n patches to ${out#$top/}/"
