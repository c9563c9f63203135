#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# (Re)create build/linux: the base kernel as the first commit, then one
# commit per patch of the series in series/ (series/SERIES gives their
# order), applied with git am.
#
# KSRC=/path/to/linux uses that tree (git or plain) as the base instead of
# Debian's linux-source-7.3. Its working tree is read, never changed.
# APPLY=0 stops after the base commit.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${TREE:-$top/build/linux}
cache=${CACHE:-$top/cache}
base_dir=${BASE_DIR:-$top/build/base}
mkdir -p "$(dirname "$tree")" "$(dirname "$base_dir")"

git_id=(-c user.name="$(git -C "$top" config user.name || echo series)"
	-c user.email="$(git -C "$top" config user.email || echo series@localhost)")

# Debian's tarball ends its .gitignore with a stanza that ignores every
# top-level path; drop that stanza (comment included) so the base can be
# committed. The kernel's own rules stay.
drop_debian_ignore() {
	[ -f "$1" ] || return 0
	python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split('\n')
try:
    i = next(k for k, l in enumerate(lines) if l.startswith('# Debian packaging'))
except StopIteration:
    sys.exit(0)
j = i
while j < len(lines) and lines[j].strip() != '/*':
    j += 1
if j == len(lines):
    sys.exit(0)
while j + 1 < len(lines) and lines[j + 1].startswith('!/debian'):
    j += 1
while i > 0 and lines[i - 1].strip() in ('#', ''):
    i -= 1
del lines[i:j + 1]
open(p, 'w').write('\n'.join(lines))
PY
}

base_id() {
	if [ -n "${KSRC:-}" ]; then
		echo "ksrc:$(cd "$KSRC" && pwd):$(git -C "$KSRC" rev-parse HEAD 2>/dev/null || echo plain)"
	else
		cat "$cache/linux-source/VERSION" 2>/dev/null || echo none
	fi
}

make_base() {
	local src desc new=$base_dir.new
	rm -rf "$new"
	mkdir -p "$new"
	if [ -n "${KSRC:-}" ]; then
		src=$(cd "$KSRC" && pwd)
		echo "tree: base from $src"
		if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1 &&
		   [ "$(git -C "$src" rev-parse --show-toplevel)" = "$src" ]; then
			desc="$(git -C "$src" describe --always --tags 2>/dev/null) ($(git -C "$src" rev-parse HEAD))"
			git -C "$src" archive HEAD | tar -x -C "$new"
		else
			desc="plain tree $src"
			rsync -a --exclude='.git' "$src/" "$new/"
			make -s -C "$new" mrproper >/dev/null 2>&1 || true
		fi
	else
		"$top/scripts/fetch-base.sh"
		desc=$(cat "$cache/linux-source/VERSION")
		echo "tree: unpacking $desc"
		tar -xJf "$cache"/linux-source/linux-source-*.tar.xz -C "$new" --strip-components=1
	fi
	(
		cd "$new"
		drop_debian_ignore .gitignore
		git init -q -b base .
		git config gc.auto 0
		# A pristine source tree: every file in it is source, including
		# dot-files that the kernel's own rules would ignore.
		git "${git_id[@]}" add -A -f
		# Fixed dates: the same base gives the same commit every time.
		GIT_AUTHOR_DATE="2000-01-01T00:00:00+0000" GIT_COMMITTER_DATE="2000-01-01T00:00:00+0000" \
			git "${git_id[@]}" commit -q --no-verify -m "base: $desc"
		echo "tree: base committed ($desc), $(git ls-files | wc -l) files"
	)
	base_id > "$new/.git/series-base-id"
	rm -rf "$base_dir"
	mv "$new" "$base_dir"
}

if [ ! -f "$base_dir/.git/series-base-id" ] ||
   [ "$(cat "$base_dir/.git/series-base-id")" != "$(base_id)" ]; then
	make_base
fi

rm -rf "$tree"
git clone -q "$base_dir" "$tree"
cd "$tree"
git config gc.auto 0
git config user.name "$(git -C "$top" config user.name || echo series)"
git config user.email "$(git -C "$top" config user.email || echo series@localhost)"
git tag -f series-base >/dev/null
git checkout -q -b series
echo "tree: base is '$(git log -1 --format=%s series-base)'"
[ "${APPLY:-1}" = 1 ] || exit 0
source "$top/scripts/lib.sh"
mapfile -t patches < <(series_patches)
if [ ${#patches[@]} -gt 0 ]; then
	git "${git_id[@]}" am -q --whitespace=error-all "${patches[@]}"
fi
echo "tree: applied ${#patches[@]} patches"
git log --oneline series-base..HEAD
