# SPDX-License-Identifier: GPL-2.0
# The checks of `make test` (sourced by scripts/test.sh).

main_cfg=("$top/configs/base.config" "$top/configs/main.config")
o_main=$w/main

# Files the series touches, and the C files among them that the main
# configuration compiles.
touched_files() {
	git -C "$tree" diff --name-only series-base HEAD
}
touched_objs() {
	local f
	for f in $(touched_files); do
		case "$f" in
		*.c) [ -f "$o_main/${f%.c}.o" ] && echo "${f%.c}.o" ;;
		esac
	done
	return 0
}

c_apply() {
	TREE=$tree scripts/tree.sh || return 1
	echo "info: $(git -C "$tree" rev-list --count series-base..HEAD) patches on '$(git -C "$tree" log -1 --format=%s series-base)'"
	# Round trip: exporting what git am built must give series/ back byte
	# for byte. This also catches offsets and fuzz, which git am would
	# otherwise apply silently.
	rm -rf "$w/export"
	mkdir -p "$w/export"
	cp "$top/series/0000-cover-letter.patch" "$w/export/" 2>/dev/null || true
	TREE=$tree OUT=$w/export scripts/export.sh || return 1
	diff -r "$top/series" "$w/export" -x VERSION -x notes -x '*.md'
}

c_checkpatch() {
	local p out rc=0
	mapfile -t patches < <(series_patches)
	for p in "${patches[@]}"; do
		out=$("$tree/scripts/checkpatch.pl" --strict --show-types --no-signoff-check=0 \
			--terse "$p" 2>&1 | grep -E ': (ERROR|WARNING|CHECK):' || true)
		out=$(echo "$out" | python3 "$top/scripts/allow.py" "$top/configs/checkpatch-allow" "$(basename "$p")")
		if [ -n "$out" ]; then
			echo "$(basename "$p"):"
			echo "$out"
			rc=1
		fi
	done
	echo "info: ${#patches[@]} patches checked"
	# From v2 on, every patch carries a change log below its --- line.
	local v
	v=$(cat "$top/series/VERSION")
	if [ "$v" -gt 1 ]; then
		for p in "${patches[@]}"; do
			if ! sed -n '/^---$/,/^diff --git/p' "$p" | grep -q "^v$v:"; then
				echo "$(basename "$p"): no v$v: change log below ---"
				rc=1
			fi
		done
	fi
	return $rc
}

c_kerneldoc() {
	local f rc=0 new
	for f in $(touched_files); do
		case "$f" in *.c | *.h) ;; *) continue ;; esac
		[ -f "$tree/$f" ] || continue
		(cd "$tree" && scripts/kernel-doc -none -Wall "$f") 2>&1 |
			sed -E 's/:[0-9]+([: ])/:\1/' | sort -u > "$w/kdoc.head"
		if git -C "$tree" cat-file -e "series-base:$f" 2>/dev/null; then
			git -C "$tree" show "series-base:$f" > "$w/kdoc.src.${f##*.}"
			(cd "$tree" && scripts/kernel-doc -none -Wall "$w/kdoc.src.${f##*.}") 2>&1 |
				sed -E "s|$w/kdoc.src.${f##*.}|$f|; s/:[0-9]+([: ])/:\\1/" | sort -u > "$w/kdoc.base"
		else
			: > "$w/kdoc.base"
		fi
		new=$(comm -13 "$w/kdoc.base" "$w/kdoc.head")
		if [ -n "$new" ]; then
			echo "$new"
			rc=1
		fi
	done
	return $rc
}

# The base kernel in the main configuration: the starting point of the
# bisect builds, and the reference for warnings and splats.
c_base_build() {
	git -C "$tree" checkout -q --detach series-base || return 1
	scripts/kconfig.sh "$o_main" "${main_cfg[@]}" || return 1
	kbuild "$tree" "$o_main" bzImage || return 1
	git -C "$tree" checkout -q series
	# W=1 and sparse on the touched files, as the base has them.
	warn_pass base
}

c_base_kunit() {
	scripts/qemu-kunit.sh "$o_main" "$w/kunit-base.log" || return 1
	scripts/ktap.py splats "$w/kunit-base.log" | sort -u > "$w/splats-base"
	echo "info: base run: $(wc -l < "$w/splats-base") distinct splat signatures (the reference)"
	sed 's/^/info:   /' "$w/splats-base"
}

# warn_pass TAG: build each touched C file with W=1 and sparse, keep the
# diagnostics (line numbers dropped) in $w/warn.TAG and the files sparse
# really checked in $w/sparse.TAG.
warn_pass() {
	local objs
	objs=$(touched_objs)
	: > "$w/warn.$1"
	: > "$w/sparse.$1"
	[ -n "$objs" ] || return 0
	# shellcheck disable=SC2086
	SPARSE_LOG=$w/sparse.$1 \
	kbuild "$tree" "$o_main" W=1 C=2 CHECK="$top/scripts/sparse-wrap.sh" $objs 2>&1 |
		grep -E 'warning:|error:' | sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' |
		sort -u > "$w/warn.$1"
	# Put the objects back to the normal flags for the next builds.
	return 0
}

# Every patch builds on its own: an incremental build of what it can change.
c_bisect() {
	local c dirs n=0
	for c in $(git -C "$tree" rev-list --reverse series-base..series); do
		n=$((n + 1))
		git -C "$tree" checkout -q --detach "$c" || return 1
		dirs=$(git -C "$tree" diff --name-only "$c~1" "$c" |
			grep -E '\.(c|h)$' | grep -v '^include/' | grep -v '^Documentation/' |
			xargs -r -n1 dirname | sort -u | sed 's|$|/|')
		echo "patch $n: $(git -C "$tree" log -1 --format=%s "$c")"
		# shellcheck disable=SC2086
		if ! kbuild "$tree" "$o_main" drivers/gpu/drm/ $dirs; then
			echo "patch $n does not build"
			git -C "$tree" checkout -q series
			return 1
		fi
	done
	git -C "$tree" checkout -q series
	echo "info: $n patches built one by one"
}

c_final_build() {
	# Again: options whose symbols the series adds are set only now.
	scripts/kconfig.sh "$o_main" "${main_cfg[@]}" || return 1
	kbuild "$tree" "$o_main" bzImage || return 1
	grep -q '^CONFIG_DRM_PAGEMAP_KUNIT_TEST=y' "$o_main/.config" ||
		{ echo "the series' drm_pagemap suite is not configured"; return 1; }
}

c_kunit() {
	local rc=0 glob
	scripts/qemu-kunit.sh "$o_main" "$w/kunit.log" || return 1
	scripts/ktap.py table "$w/kunit.log" || rc=1
	# The series' own suites must be among them.
	for glob in $(series_suites); do
		scripts/ktap.py table "$w/kunit.log" "$glob" > /dev/null ||
			{ echo "no suite matches $glob"; rc=1; }
	done
	scripts/ktap.py newsplats "$w/kunit.log" "$w/splats-base" || rc=1
	echo "info: $(scripts/ktap.py table "$w/kunit.log" | awk 'NR > 1 { n++; p += $3; f += $4; s += $5 } END { printf "%d suites, %d cases passed, %d failed, %d skipped", n, p, f, s }')"
	return $rc
}

c_warnings() {
	warn_pass head
	local new objs checked=0 o
	objs=$(touched_objs | wc -w)
	for o in $(touched_objs); do
		grep -q "/${o%.o}\.c\$" "$w/sparse.head" && checked=$((checked + 1))
	done
	# kbuild drops C=2 silently when the checker cannot run: a clean
	# result only counts if sparse saw every file.
	if [ "$checked" -lt "$objs" ]; then
		echo "sparse checked $checked of $objs touched files"
		return 1
	fi
	new=$(comm -13 "$w/warn.base" "$w/warn.head")
	echo "info: $(wc -l < "$w/warn.head") W=1/sparse diagnostics on $objs touched files, $(wc -l < "$w/warn.base") at base"
	[ -z "$new" ] && return 0
	echo "$new"
	return 1
}

# variant NAME FRAGMENT: the drm subtree in another configuration.
variant() {
	local o=$w/var-$1
	scripts/kconfig.sh "$o" "$top/configs/base.config" "$top/configs/$2" || return 1
	kbuild "$tree" "$o" drivers/gpu/drm/ || return 1
}
c_variant_xe_m_thp_n() { variant xe-m-thp-n variant-xe-m-thp-n.config; }
c_variant_gpusvm_n() { variant gpusvm-n variant-gpusvm-n.config; }

# The hardware tests as an IGT series: applied, built with the testplan
# check, listed, skipping here, checkpatch clean (scripts/igt.sh).
c_igt() {
	KTREE=$tree scripts/igt.sh
}

# The series' suites under KASAN, kmemleak, debug objects, atomic-sleep
# checks and fault injection. Only the series' suites run, so any splat is
# the series' own; kmemleak reports are counted when a series function
# allocated the object.
c_debug_kunit() {
	local o=$w/debug rc=0 glob
	scripts/kconfig.sh "$o" "${main_cfg[@]}" "$top/configs/debug.config" || return 1
	kbuild "$tree" "$o" bzImage || return 1
	rm -rf "$w/initramfs" && mkdir -p "$w/initramfs/dev"
	gcc -static -Os -Wall -Wextra -Werror -o "$w/initramfs/init" "$top/tools/kmemleak-init.c" || return 1
	mknod -m 600 "$w/initramfs/dev/console" c 5 1
	(cd "$w/initramfs" && find . | cpio -o -H newc --quiet) > "$w/initramfs.cpio"
	for glob in $(series_suites); do
		log=$w/kunit-debug-${glob//[^a-z_]/}.log
		INITRD=$w/initramfs.cpio KUNIT_SHUTDOWN= QEMU_MEM=3072 \
			scripts/qemu-kunit.sh "$o" "$log" "kunit.filter_glob=$glob" || { rc=1; continue; }
		scripts/ktap.py table "$log" "$glob" || rc=1
		# Series code first runs when KUnit starts: a splat of the boot
		# before it (seen here: an early-interrupt KASAN report in
		# identify_cpu() under TCG) is listed but not the series'.
		scripts/ktap.py testsplats "$log" || rc=1
		grep -q 'kmemleak-init: report ends' "$log" || { echo "$glob: no kmemleak report"; rc=1; }
		scripts/ktap.py kmemleak "$log" || rc=1
		echo "info: $glob: $(scripts/ktap.py table "$log" "$glob" | awk 'NR > 1 { p += $3; f += $4; s += $5 } END { printf "%d cases passed, %d failed, %d skipped", p, f, s }') under KASAN/kmemleak/fault injection"
	done
	return $rc
}

# The gpu documentation with Sphinx, base and series: no new warning, and
# the series' DOC sections are on the rendered pages.
c_docs() {
	local tag rc=0 new
	for tag in base head; do
		if [ $tag = base ]; then
			git -C "$tree" checkout -q --detach series-base
		else
			git -C "$tree" checkout -q series
		fi
		rm -rf "$w/docs-$tag"
		if ! make -C "$tree" O="$w/docs-$tag" SPHINXDIRS=gpu htmldocs \
			> "$w/docs-$tag.log" 2>&1; then
			echo "docs: the $tag build failed"
			tail -20 "$w/docs-$tag.log"
			rc=1
		fi
		grep -iE 'warning|error' "$w/docs-$tag.log" |
			sed -E "s|$tree/||g; s|$w/docs-$tag/||g; s/:[0-9]+([: ])/:\1/g" |
			sort -u > "$w/docs-$tag.warn"
	done
	git -C "$tree" checkout -q series
	new=$(comm -13 "$w/docs-base.warn" "$w/docs-head.warn")
	if [ -n "$new" ]; then
		echo "new documentation warnings:"
		echo "$new"
		rc=1
	fi
	for title in "Madvise autoreset of CPU-only ranges" "Provider lifetime"; do
		if grep -rqs "$title" "$w/docs-head/Documentation/output/gpu/"; then
			echo "info: rendered: \"$title\""
		else
			echo "docs: \"$title\" is not on any rendered page"
			rc=1
		fi
	done
	echo "info: $(wc -l < "$w/docs-head.warn") warning lines with the series, $(wc -l < "$w/docs-base.warn") at base"
	return $rc
}

# The addressed mbox: every message goes to intel-xe or dri-devel, and
# git am of the one file on a fresh base gives the series' tree exactly.
c_mbox() {
	local rc=0 want got
	TREE=$tree OUT=$w/series.mbox scripts/mbox.sh > "$w/mbox.out" || return 1
	sed 's/^/info: /' "$w/mbox.out"
	python3 - "$w/series.mbox" <<'PY' || rc=1
import re, sys
msgs = re.split(r'^From 0{40} ', open(sys.argv[1]).read(), flags=re.M)[1:]
bad = 0
for m in msgs:
    head = m.split('\n\n', 1)[0]
    subj = re.search(r'^Subject: (.*)$', head, re.M).group(1)
    to = re.search(r'^To: ((?:.*\n(?: .*\n)*))', head + '\n', re.M)
    if not to or not re.search(r'intel-xe@|dri-devel@', to.group(1)):
        print('not addressed to intel-xe or dri-devel:', subj)
        bad = 1
print(f'{len(msgs)} messages')
sys.exit(bad)
PY
	git -C "$tree" checkout -q -B mbox-check series-base
	# The cover letter, first in the mbox, has no diff: git am stops on
	# it, and is told to skip it; any other stop fails the tree check.
	if git -C "$tree" am -q "$w/series.mbox" > /dev/null 2>&1 ||
	   git -C "$tree" am -q --skip; then
		want=$(git -C "$tree" rev-parse 'series^{tree}')
		got=$(git -C "$tree" rev-parse 'HEAD^{tree}')
		if [ "$want" != "$got" ]; then
			echo "git am of the mbox gives tree $got, the series is $want"
			rc=1
		fi
		if [ "$(git -C "$tree" rev-list --count series-base..HEAD)" != \
		     "$(git -C "$tree" rev-list --count series-base..series)" ]; then
			echo "git am of the mbox does not give one commit per patch"
			rc=1
		fi
	else
		git -C "$tree" am --abort 2>/dev/null
		echo "the mbox does not apply"
		rc=1
	fi
	git -C "$tree" checkout -q series
	git -C "$tree" branch -q -D mbox-check
	return $rc
}

run_checks() {
	if ! check apply c_apply; then
		for n in checkpatch kernel-doc base-build base-kunit bisect final-build kunit warnings \
			debug-kunit variant-xe-m-thp-n variant-gpusvm-n docs mbox igt; do
			skipped "$n" "the series does not apply"
		done
		return
	fi
	check checkpatch c_checkpatch
	check kernel-doc c_kerneldoc
	if check base-build c_base_build; then
		check base-kunit c_base_kunit
		check bisect c_bisect
	else
		skipped base-kunit "base does not build"
		skipped bisect "base does not build"
	fi
	if check final-build c_final_build; then
		if [ "${result[base-kunit]:-}" = pass ]; then
			check kunit c_kunit
		else
			skipped kunit "no base reference run"
		fi
		check warnings c_warnings
	else
		skipped kunit "the series does not build"
		skipped warnings "the series does not build"
	fi
	check debug-kunit c_debug_kunit
	check variant-xe-m-thp-n c_variant_xe_m_thp_n
	check variant-gpusvm-n c_variant_gpusvm_n
	check docs c_docs
	check mbox c_mbox
	check igt c_igt
	return 0
}
