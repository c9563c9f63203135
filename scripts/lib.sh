# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the tooling scripts (sourced, not run).

# Debian's python3 (with the modules deps.sh installs) before any other.
export PATH=/usr/bin:$PATH
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${JOBS:-$(nproc)}

# kbuild TREE O TARGET...: make in O for the x86_64 tree TREE.
kbuild() {
	local tree=$1 o=$2
	shift 2
	make -s -C "$tree" O="$o" ARCH=x86_64 -j"$jobs" "$@"
}

# The series, in the order they apply: "DIR PATCHES" per line (series/SERIES).
series_list() {
	grep -v '^#' "$top/series/SERIES" | grep -v '^$'
}

# series_patches [DIR]: the patches of the series in series/DIR, or of
# all the series in order; cover letters excluded.
series_patches() {
	local d p dirs
	if [ $# -gt 0 ]; then dirs=$1; else dirs=$(series_list | awk '{ print $1 }'); fi
	for d in $dirs; do
		for p in "$top/series/$d"/*.patch; do
			[ -f "$p" ] || continue
			case "$(basename "$p")" in 0000-*) continue ;; esac
			echo "$p"
		done
	done
}

# Digest of everything that decides what the series tree contains.
series_digest() {
	cat "$top/series/SERIES" "$top"/series/*/*.patch 2>/dev/null | sha1sum | cut -c1-16
}

# The KUnit suites the series adds (exact names, one per line).
series_suites() {
	grep -v '^#' "$top/configs/series-suites" | grep -v '^$'
}

# ensure_tree: build/linux as `make` uses it, made when needed: created when
# missing, created again when series/ (or KSRC) changed and the tree holds
# nothing that is not exported, else used as it is (with a note). Any
# command that needs the series tree (make, make series) calls it.
ensure_tree() {
	local tree=$top/build/linux stamp want
	stamp=$tree/.git/series-applied
	want="$(series_digest) ${KSRC:-debian}"
	if [ ! -d "$tree/.git" ]; then
		"$top/scripts/tree.sh" || return 1
		echo "$want" > "$stamp"
	elif [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		if [ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] &&
		   [ "$(git -C "$tree" rev-parse HEAD)" = "$(cat "$stamp.head" 2>/dev/null)" ]; then
			"$top/scripts/tree.sh" || return 1
			echo "$want" > "$stamp"
		else
			echo "tree: build/linux has work that series/ does not: using it as it is"
			echo "      (make export to save it, or make tree to start again)"
		fi
	fi
	git -C "$tree" rev-parse HEAD > "$stamp.head"
}
