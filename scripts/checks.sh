# SPDX-License-Identifier: GPL-2.0
# The checks of `make test` (sourced by scripts/test.sh).

main_cfg=("$top/configs/base.config" "$top/configs/main.config")
o_main=$w/main
# The cases each series suite must run (and the skips allowed, per run);
# kmemleak reports allowed with a reason (none: any leak fails).
series_cases=${SERIES_CASES:-$top/configs/series-cases}
required_cases=${REQUIRED_CASES:-$top/configs/required-cases}
kmemleak_allow=${KMEMLEAK_ALLOW:-$top/configs/kmemleak-allow}

# initramfs CPIO [GCC_OPTION...]: an initramfs whose /init is
# tools/kmemleak-init.c: run after KUnit (KUNIT_SHUTDOWN= for
# qemu-kunit.sh), it prints lockdep's state at the end of the run (and, but
# with -DNO_KMEMLEAK, kmemleak's report), then powers the guest off.
initramfs() {
	local cpio=$1 d=$1.d
	shift
	rm -rf "$d" && mkdir -p "$d/dev"
	gcc -static -Os -Wall -Wextra -Werror "$@" -o "$d/init" "$top/tools/kmemleak-init.c" || return 1
	mknod -m 600 "$d/dev/console" c 5 1 || return 1
	(cd "$d" && find . | cpio -o -H newc --quiet) > "$cpio"
}
# kunit_boot O LOG: the main configuration's KUnit run, then the /init
# that reports lockdep's state.
kunit_boot() {
	initramfs "$w/initramfs-main.cpio" -DNO_KMEMLEAK || return 1
	INITRD=$w/initramfs-main.cpio KUNIT_SHUTDOWN= scripts/qemu-kunit.sh "$1" "$2"
}

# Files the series touches (whatever is checked out), and the C files among
# them that exist in the checked-out tree and that the main configuration
# compiles.
touched_files() {
	git -C "$tree" diff --name-only series-base series
}
touched_objs() {
	local f
	for f in $(touched_files); do
		case "$f" in
		*.c) [ -f "$tree/$f" ] && [ -f "$o_main/${f%.c}.o" ] && echo "${f%.c}.o" ;;
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
	TREE=$tree OUT=$w/export scripts/export.sh || return 1
	diff -r "$top/series" "$w/export" -x VERSION -x SERIES -x notes -x '*.md'
}

# checkpatch_one PATCH [OPTION...]: checkpatch.pl --strict on PATCH (an
# absolute path), judged by scripts/allow.py: fails on a finding the
# allow-list does not allow, and on a checkpatch that did not run (unknown
# option, cannot start, any output that is not a finding). CHECKPATCH names
# another program (the self-test's).
checkpatch_one() {
	local p=$1 out rc
	shift
	out=$(cd "$tree" && "${CHECKPATCH:-$tree/scripts/checkpatch.pl}" --strict --show-types \
		--terse "$@" "$p" 2>&1)
	rc=$?
	printf '%s\n' "$out" |
		python3 "$top/scripts/allow.py" --rc "$rc" "$top/configs/checkpatch-allow" "$(basename "$p")"
}

# fixes_one PATCH [ALLOWLIST]: a patch that Cc's stable carries a Fixes:
# tag, or the allow-list (configs/checkpatch-allow) allows checkpatch's
# MISSING_FIXES_TAG for it with a reason (scripts/allow.py --fixes).
fixes_one() {
	python3 "$top/scripts/allow.py" --fixes "${2:-$top/configs/checkpatch-allow}" "$1"
}

# The checks' own self-test (scripts/selftest.sh): planted defects that
# each check must catch. Cheap; it runs before the expensive steps.
c_selftest() {
	TREE=$tree scripts/selftest.sh
}

c_checkpatch() {
	local p rc=0
	mapfile -t patches < <(series_patches)
	for p in "${patches[@]}"; do
		checkpatch_one "$p" || rc=1
		fixes_one "$p" || rc=1
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

# kerneldoc_file FILE: kernel-doc -none -Wall on FILE as the series has it
# and as the base has it, and no warning the base has not. kernel-doc exits
# 0 whatever it finds: any other exit status (it cannot start, a Python
# traceback, an unknown option) fails, as its output would otherwise be
# compared as warnings, and the same failure on both sides would cancel
# out. KERNELDOC names another program (the self-test's).
kerneldoc_file() {
	local f=$1 kd=${KERNELDOC:-scripts/kernel-doc} new rc=0 st
	(cd "$tree" && "$kd" -none -Wall "$f") > "$w/kdoc.out" 2>&1
	st=$?
	[ $st -eq 0 ] || { echo "kernel-doc exited $st on $f:"; head -n 5 "$w/kdoc.out"; rc=1; }
	sed -E 's/:[0-9]+([: ])/:\1/' "$w/kdoc.out" | sort -u > "$w/kdoc.head"
	if git -C "$tree" cat-file -e "series-base:$f" 2>/dev/null; then
		git -C "$tree" show "series-base:$f" > "$w/kdoc.src.${f##*.}"
		(cd "$tree" && "$kd" -none -Wall "$w/kdoc.src.${f##*.}") > "$w/kdoc.out" 2>&1
		st=$?
		[ $st -eq 0 ] || { echo "kernel-doc exited $st on the base's $f:"; head -n 5 "$w/kdoc.out"; rc=1; }
		sed -E "s|$w/kdoc.src.${f##*.}|$f|; s/:[0-9]+([: ])/:\\1/" "$w/kdoc.out" | sort -u > "$w/kdoc.base"
	else
		: > "$w/kdoc.base"
	fi
	new=$(comm -13 "$w/kdoc.base" "$w/kdoc.head")
	if [ -n "$new" ]; then
		echo "$new"
		rc=1
	fi
	return $rc
}

c_kerneldoc() {
	local f rc=0 n=0
	for f in $(touched_files); do
		case "$f" in *.c | *.h) ;; *) continue ;; esac
		[ -f "$tree/$f" ] || continue
		n=$((n + 1))
		kerneldoc_file "$f" || rc=1
	done
	echo "info: kernel-doc on $n touched files"
	return $rc
}

# The base kernel in the main configuration: the starting point of the
# bisect builds, and the reference for warnings and splats.
c_base_build() {
	git -C "$tree" checkout -q --detach series-base || return 1
	scripts/kconfig.sh "$o_main" "${main_cfg[@]}" || return 1
	kbuild "$tree" "$o_main" bzImage || return 1
	# What vmlinux.o leaves to the final link (linker-script symbols): the
	# reference of the bisect steps' link check.
	nm -u "$o_main/vmlinux.o" | awk '$1 == "U" { print $2 }' | sort -u > "$w/undef.base"
	# W=1 and sparse on the files the series touches, as the base has them
	# (the series' own files do not exist yet).
	warn_pass base
	git -C "$tree" checkout -q series
}

c_base_kunit() {
	kunit_boot "$o_main" "$w/kunit-base.log" || return 1
	scripts/ktap.py splats "$w/kunit-base.log" | sort -u > "$w/splats-base"
	echo "info: base run: $(wc -l < "$w/splats-base") distinct splat sites (the reference)"
	sed 's/^/info:   /' "$w/splats-base"
}

# The series' suites the way a maintainer runs them, with the one command
# the cover letter gives: upstream's kunit.py on the kunitconfig the series
# adds (x86_64 under QEMU; GPU SVM cannot be built for UML). Judged on
# kunit.py's exit code (a failed or crashed case anywhere in the run, fewer
# suites than the plan, an option of the kunitconfig lost by olddefconfig,
# a build error) and on the console log kunit.py keeps in its build
# directory (test.log): each of the series' suites there, by exact name,
# passed, and the cases configs/required-cases requires (slab fault
# injection, which the kunitconfig enables) ran and passed.
kunitcfg_upstream=drivers/gpu/drm/xe/.kunitconfig-svm
c_kunit_upstream() {
	local o=$w/kunit-upstream log=$w/kunit-upstream.log out krc rc=0
	[ -f "$tree/$kunitcfg_upstream" ] || { echo "no $kunitcfg_upstream in the tree"; return 1; }
	mkdir -p "$o"
	rm -f "$o/test.log" "$log"
	# KVM hangs on these machines and kunit.py asks QEMU for
	# "-accel kvm -accel hvf -accel tcg": /dev/kvm is hidden (in a mount
	# namespace of this command only) so that QEMU settles on TCG.
	(cd "$tree" && unshare -m sh -c '
		if [ -e /dev/kvm ]; then mount --bind /dev/null /dev/kvm || exit 125; fi
		exec "$@"' sh \
		./tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig "$kunitcfg_upstream" --build_dir="$o" \
		--jobs="$jobs" --timeout=1800) > "$w/kunit-upstream.out" 2>&1
	krc=$?
	grep -E 'ERROR|error:|Not all Kconfig|Missing|CRASHED|FAILED|Testing complete|Elapsed time' \
		"$w/kunit-upstream.out" | tail -n 20
	if [ $krc -ne 0 ]; then
		echo "kunit.py exited with $krc (output: $w/kunit-upstream.out)"
		rc=1
	fi
	if [ ! -s "$o/test.log" ]; then
		echo "kunit.py ran no kernel: no $o/test.log"
		return 1
	fi
	if grep -q 'Testing complete\. Ran' "$w/kunit-upstream.out"; then
		echo "info: kunit.py: $(grep -o 'Testing complete\. Ran.*' "$w/kunit-upstream.out" | tail -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
	else
		echo "kunit.py printed no result summary"
		rc=1
	fi
	# kunit.py boots with kunit_shutdown=reboot (QEMU -no-reboot exits on
	# it), ktap.py knows the power-off of our own runner: the same end of
	# the run, after the last suite.
	sed -E 's/^(\[ *[0-9]+\.[0-9]+\] ?)?reboot: Restarting system$/\1reboot: Power down/' \
		"$o/test.log" > "$log"
	# shellcheck disable=SC2046
	out=$(scripts/ktap.py table "$log" $(series_suites)) || rc=1
	printf '%s\n' "$out"
	kunit_upstream_judge "$log" || rc=1
	# Splats by site, against the base run of our own runner (the same
	# reference as the kunit check).
	if [ -s "$w/splats-base" ] || [ "${result[base-kunit]:-}" = pass ]; then
		scripts/ktap.py newsplats "$log" "$w/splats-base" || rc=1
	else
		echo "no base reference run: splats not judged"
		rc=1
	fi
	echo "info: $kunitcfg_upstream: $(scripts/ktap.py table "$log" | awk 'NR > 1 && NF == 5 { n++; p += $3; f += $4; s += $5 } END { printf "%d suites, %d cases passed, %d failed, %d skipped", n, p, f, s }')"
	printf '%s\n' "$out" | awk 'NR > 1 && NF == 5 { printf "info:   %s: %d passed, %d failed, %d skipped\n", $1, $3, $4, $5 }'
	return $rc
}

# kunit_upstream_judge LOG: what kunit-upstream requires of kunit.py's
# console log beyond its table: the series' cases as configs/series-cases
# lists them for this run (configs/required-cases: the fault-injection
# cases pass), and lockdep (the kunitconfig enables it) on from boot to the
# end. kunit.py's kernel runs no /init, so lockdep's state is read from the
# log: lockdep turns itself off at its first report, whatever its site and
# whether or not it says "turning off", and on a taint that makes it
# unreliable; ktap.py lockdep fails on any of them.
kunit_upstream_judge() {
	local rc=0 s
	for s in $(series_suites); do
		scripts/ktap.py required "$1" "$s" "$required_cases" > "$w/kunit-upstream.req" || rc=1
		grep -v '^info:' "$w/kunit-upstream.req"
	done
	# shellcheck disable=SC2046
	scripts/ktap.py cases "$1" kunit-upstream "$series_cases" $(series_suites) || rc=1
	scripts/ktap.py lockdep "$1" || rc=1
	return $rc
}

# warn_pass TAG: build each touched C file with W=1 and sparse, keep the
# diagnostics in $w/warn.TAG (warn_list), the build's output and exit
# status in $w/warn.TAG.log and $w/warn.TAG.rc, and the files sparse really
# checked in $w/sparse.TAG (scripts/sparse-wrap.sh: "FILE STATUS" once
# sparse is through with FILE).
warn_pass() {
	local objs
	objs=$(touched_objs)
	: > "$w/warn.$1"
	: > "$w/sparse.$1"
	: > "$w/warn.$1.log"
	echo 0 > "$w/warn.$1.rc"
	[ -n "$objs" ] || return 0
	# Compiled again whatever their state: an object already built with
	# the same flags would not be, and would print no diagnostic.
	(cd "$o_main" && rm -f $objs)
	# shellcheck disable=SC2086
	SPARSE_LOG=$w/sparse.$1 \
	kbuild "$tree" "$o_main" W=1 C=2 CHECK="$top/scripts/sparse-wrap.sh" $objs > "$w/warn.$1.log" 2>&1
	echo $? > "$w/warn.$1.rc"
	warn_list < "$w/warn.$1.log" > "$w/warn.$1"
	# Put the objects back to the normal flags for the next builds.
	return 0
}

# warn_list < BUILD_OUTPUT: the diagnostics, one a line without its line
# and column, as a multiset: a diagnostic the build prints more than once
# at the same place (a header's, once per file that includes it) counts
# once, the same text at two places twice.
warn_list() {
	grep -E 'warning:|error:' | sort -u |
		sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sort
}

# warnings_judge OBJ...: the W=1/sparse builds of base and head exited 0,
# sparse went through each OBJ's source (scripts/sparse-wrap.sh saw it
# start on the file and exit 0), and head has no diagnostic base has not:
# compared as multisets, so a new diagnostic with the text of a base one
# is new too.
warnings_judge() {
	local tag o rc=0 new st
	for tag in base head; do
		if [ "$(cat "$w/warn.$tag.rc" 2>/dev/null)" != 0 ]; then
			echo "the W=1/sparse build of the $tag tree failed (exit $(cat "$w/warn.$tag.rc" 2>/dev/null || echo '?')):"
			grep -E 'error|Error' "$w/warn.$tag.log" | head -n 10
			rc=1
		fi
	done
	# kbuild drops C=2 silently when the checker cannot run, and the
	# wrapper is invoked even when sparse then cannot start: a clean
	# result only counts if sparse went through every file.
	for o in "$@"; do
		st=$(awk -v f="${o%.o}.c" '$1 == f || substr($1, length($1) - length(f)) == "/" f { s = $2 }
			END { print s }' "$w/sparse.head")
		case "$st" in
		0) ;;
		'') echo "sparse was never invoked on ${o%.o}.c"; rc=1 ;;
		silent) echo "sparse did not run on ${o%.o}.c (invoked, but it never started on the file)"; rc=1 ;;
		*) echo "sparse did not go through ${o%.o}.c (exit $st)"; rc=1 ;;
		esac
	done
	new=$(comm -13 "$w/warn.base" "$w/warn.head")
	if [ -n "$new" ]; then
		echo "new W=1/sparse diagnostics:"
		echo "$new"
		rc=1
	fi
	return $rc
}

# link_check O: vmlinux.o and modpost in O (the whole kernel, as built so
# far, linked into one object), and no symbol left undefined that the
# base's vmlinux.o did not leave to the final link.
link_check() {
	local new
	kbuild "$tree" "$1" modpost || return 1
	new=$(nm -u "$1/vmlinux.o" | awk '$1 == "U" { print $2 }' | sort -u | comm -13 "$w/undef.base" -)
	[ -z "$new" ] && return 0
	echo "undefined in vmlinux.o (the final link would fail):"
	echo "$new"
	return 1
}

# Every patch builds on its own, in the main configuration as it stands at
# that patch (the fragments applied again: options a patch adds, such as
# its test's, are set from there on). A patch that changes code or build
# files gets the whole kernel built incrementally into vmlinux.o, modpost,
# and link_check; the others (documentation, MAINTAINERS) the drm subtree.
bisect_step() {
	local c=$1 files
	scripts/kconfig.sh "$o_main" "${main_cfg[@]}" || return 1
	files=$(git -C "$tree" diff --name-only "$c~1" "$c")
	if echo "$files" | grep -qE '\.(c|h)$|(^|/)(Kconfig[^/]*|Makefile|Kbuild)$'; then
		linked=$((linked + 1))
		link_check "$o_main"
	else
		kbuild "$tree" "$o_main" drivers/gpu/drm/
	fi
}

c_bisect() {
	local c n=0 linked=0
	for c in $(git -C "$tree" rev-list --reverse series-base..series); do
		n=$((n + 1))
		git -C "$tree" checkout -q --detach "$c" || return 1
		echo "patch $n: $(git -C "$tree" log -1 --format=%s "$c")"
		if ! bisect_step "$c"; then
			echo "patch $n does not build"
			git -C "$tree" checkout -q series
			return 1
		fi
	done
	git -C "$tree" checkout -q series
	echo "info: $n patches built one by one, $linked of them into vmlinux.o with modpost"
}

# What the series' suites need of the main configuration's .config to run
# rather than skip or vanish: their Kconfig symbols, GPU SVM (xe_autoreset),
# module unloading (the drm_pagemap suite counts module references and
# skips every case without it), lockdep (the kunit check requires it on)
# and an initramfs (the /init that reports lockdep's state).
suite_needs=(CONFIG_KUNIT=y CONFIG_DRM_XE_KUNIT_TEST=y CONFIG_DRM_PAGEMAP_KUNIT_TEST=y
	CONFIG_DRM_XE_GPUSVM=y CONFIG_MODULE_UNLOAD=y CONFIG_PROVE_LOCKING=y
	CONFIG_BLK_DEV_INITRD=y)

# config_needs CONFIG OPTION=VALUE...: each option has that value in CONFIG.
config_needs() {
	local cfg=$1 opt have bad=0
	shift
	for opt in "$@"; do
		if ! grep -qx "$opt" "$cfg"; then
			have=$(grep "^${opt%%=*}=" "$cfg" | cut -d= -f2-)
			echo "$cfg: ${opt%%=*} is ${have:-not set}; the series' suites need ${opt#*=}"
			bad=1
		fi
	done
	return $bad
}

c_final_build() {
	# Again: options whose symbols the series adds are set only now.
	scripts/kconfig.sh "$o_main" "${main_cfg[@]}" || return 1
	kbuild "$tree" "$o_main" bzImage || return 1
	config_needs "$o_main/.config" "${suite_needs[@]}"
}

# kunit_judge LOG BASE_SIGS: every suite of LOG passed, each of the series'
# suites (configs/series-suites, exact names) is there and ran the cases
# configs/series-cases lists (passed, or skipped as it allows in this run),
# the run completed, no splat is at a site where the base run (BASE_SIGS)
# had none, and lockdep was still on at the end (the guest's /init says so,
# and nothing in the log turned it off).
kunit_judge() {
	local rc=0
	local out
	scripts/ktap.py table "$1" || rc=1
	# shellcheck disable=SC2046
	out=$(scripts/ktap.py table "$1" $(series_suites)) ||
		{ echo "$out" | grep '^missing suite'; rc=1; }
	# shellcheck disable=SC2046
	scripts/ktap.py cases "$1" kunit "$series_cases" $(series_suites) || rc=1
	scripts/ktap.py newsplats "$1" "$2" || rc=1
	scripts/ktap.py lockdep "$1" --report || rc=1
	return $rc
}

c_kunit() {
	local rc=0
	kunit_boot "$o_main" "$w/kunit.log" || rc=1
	kunit_judge "$w/kunit.log" "$w/splats-base" || rc=1
	echo "info: $(scripts/ktap.py table "$w/kunit.log" | awk 'NR > 1 { n++; p += $3; f += $4; s += $5 } END { printf "%d suites, %d cases passed, %d failed, %d skipped", n, p, f, s }')"
	return $rc
}

c_warnings() {
	warn_pass head
	local objs
	objs=$(touched_objs)
	echo "info: $(wc -l < "$w/warn.head") W=1/sparse diagnostics on $(echo $objs | wc -w) touched files, $(wc -l < "$w/warn.base") at base"
	# shellcheck disable=SC2086
	warnings_judge $objs
}

# variant NAME FRAGMENT: the drm subtree in another configuration, built
# and then linked where the variants differ: its built-in part into one
# object and each of its modules on its own. A symbol they leave undefined
# must be defined in the drm subtree, or in the kernel of the main
# configuration (its vmlinux; exported, when a module uses it). The rest of
# the kernel is not built again for a variant: a full build of each would
# cost CI twice the main build's time, and the variants change the drm
# subtree (and THP, whose users there have stubs).
variant() {
	local o=$w/var-$1 objs m bad
	scripts/kconfig.sh "$o" "$top/configs/base.config" "$top/configs/$2" || return 1
	kbuild "$tree" "$o" drivers/gpu/drm/ || return 1
	(cd "$o" && ld -r -o drm-builtin.o --whole-archive drivers/gpu/drm/built-in.a) || return 1
	objs=(drm-builtin.o)
	[ -f "$o/drivers/gpu/drm/modules.order" ] &&
		mapfile -t -O 1 objs < "$o/drivers/gpu/drm/modules.order"
	(cd "$o" && nm --defined-only "${objs[@]}") | awk 'NF == 3 { print $3 }' > "$w/var.defined"
	nm --defined-only "$o_main/vmlinux" | awk '{ print $3 }' >> "$w/var.defined"
	sort -u -o "$w/var.defined" "$w/var.defined"
	# What vmlinux exports: modpost writes it to vmlinux.symvers.
	[ -s "$o_main/vmlinux.symvers" ] || { echo "no $o_main/vmlinux.symvers"; return 1; }
	awk '{ print $2 }' "$o_main/vmlinux.symvers" | sort -u > "$w/var.exported"
	(cd "$o" && nm --defined-only "${objs[@]:1}" 2>/dev/null) |
		awk 'NF == 3 { print $3 }' >> "$w/var.exported"
	sort -u -o "$w/var.exported" "$w/var.exported"
	bad=0
	for m in "${objs[@]}"; do
		# Strong references only (a weak one may stay undefined); a
		# module's __this_module comes with its .mod.c at modpost.
		nm -u "$o/$m" | awk '$1 == "U" && $2 != "__this_module" { print $2 }' |
			sort -u > "$w/var.undef"
		if [ "$m" = drm-builtin.o ]; then
			comm -23 "$w/var.undef" "$w/var.defined" > "$w/var.missing"
		else
			comm -23 "$w/var.undef" "$w/var.exported" > "$w/var.missing"
		fi
		if [ -s "$w/var.missing" ]; then
			echo "$m: undefined (would not link):"
			sed 's/^/  /' "$w/var.missing"
			bad=1
		fi
	done
	echo "info: $1: ${#objs[@]} objects linked: the drm built-in part and $((${#objs[@]} - 1)) modules"
	return $bad
}
c_variant_xe_m_thp_n() { variant xe-m-thp-n variant-xe-m-thp-n.config; }
c_variant_gpusvm_n() { variant gpusvm-n variant-gpusvm-n.config; }

# The hardware tests as an IGT series: applied, built with the testplan
# check, listed, skipping here, checkpatch clean (scripts/igt.sh).
c_igt() {
	KTREE=$tree scripts/igt.sh
}

# debug_judge LOG SUITE: SUITE ran to the end and passed, every case
# configs/required-cases requires of it ran and passed (a skip fails), it
# ran the cases configs/series-cases lists, no splat once KUnit started,
# lockdep still on at the end (the /init says so), and a complete kmemleak
# report with no unreferenced object (but one configs/kmemleak-allow
# allows, with its reason).
debug_judge() {
	local rc=0
	scripts/ktap.py table "$1" "$2" || rc=1
	scripts/ktap.py required "$1" "$2" "$required_cases" || rc=1
	scripts/ktap.py cases "$1" debug-kunit "$series_cases" "$2" || rc=1
	scripts/ktap.py lockdep "$1" --report || rc=1
	# Series code first runs when KUnit starts: a splat of the boot
	# before it (seen here: an early-interrupt KASAN report in
	# identify_cpu() under TCG) is listed but not the series'.
	scripts/ktap.py testsplats "$1" || rc=1
	scripts/ktap.py kmemleak "$1" "$kmemleak_allow" || rc=1
	return $rc
}

# The series' suites under KASAN, kmemleak, debug objects, atomic-sleep
# checks and fault injection, one boot each. Only the series' suites run,
# so any splat is the series' own; any kmemleak report is a leak.
c_debug_kunit() {
	local o=$w/debug rc=0 suite log
	scripts/kconfig.sh "$o" "${main_cfg[@]}" "$top/configs/debug.config" || return 1
	kbuild "$tree" "$o" bzImage || return 1
	config_needs "$o/.config" "${suite_needs[@]}" || return 1
	initramfs "$w/initramfs.cpio" || return 1
	for suite in $(series_suites); do
		log=$w/kunit-debug-$suite.log
		INITRD=$w/initramfs.cpio KUNIT_SHUTDOWN= QEMU_MEM=3072 \
			scripts/qemu-kunit.sh "$o" "$log" "kunit.filter_glob=$suite" || rc=1
		debug_judge "$log" "$suite" || rc=1
		echo "info: $suite: $(scripts/ktap.py table "$log" "$suite" | awk 'NR == 2 { printf "%d cases passed, %d failed, %d skipped", $3, $4, $5 }') under KASAN/kmemleak/fault injection"
	done
	return $rc
}

# The series' DOC sections, by title.
doc_titles=("Madvise autoreset on CPU unmap" "Provider lifetime")

# docs_judge BASELOG BASEOUT HEADLOG HEADOUT: the Sphinx build of the
# series (its log HEADLOG, output directory HEADOUT) has no warning that the
# base's has not, and the text of the series' DOC sections is on its
# rendered HTML pages (scripts/docrender.py: a :doc: directive renders the
# text, not the title, and the _sources/ copies of the .rst hold the title
# whatever rendered). Warnings are compared without the tree, the output
# directory and line numbers.
docs_judge() {
	local rc=0 new
	docs_warnings "$1" "$2" > "$2.warn"
	docs_warnings "$3" "$4" > "$4.warn"
	new=$(comm -13 "$2.warn" "$4.warn")
	if [ -n "$new" ]; then
		echo "new documentation warnings:"
		echo "$new"
		rc=1
	fi
	python3 "$top/scripts/docrender.py" "$tree" "$4/Documentation/output/gpu/" \
		"${doc_titles[@]}" || rc=1
	echo "info: $(wc -l < "$4.warn") warning lines with the series, $(wc -l < "$2.warn") at base"
	return $rc
}
docs_warnings() {
	grep -iE 'warning|error' "$1" |
		sed -E "s|$tree/||g; s|$2/||g; s/:[0-9]+([: ])/:\1/g" | sort -u
}

# The gpu documentation with Sphinx, base and series (docs_judge).
c_docs() {
	local tag rc=0
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
	done
	git -C "$tree" checkout -q series
	docs_judge "$w/docs-base.log" "$w/docs-base" "$w/docs-head.log" "$w/docs-head" || rc=1
	return $rc
}

# The mboxes of make series, one per series (scripts/mbox.sh): every
# message goes to intel-xe or dri-devel and is signed by the sender; the
# placeholder identity is refused unless it is a dry run; and, on a fresh
# base, git am of each mbox in the order of series/SERIES, and git am of
# what `b4 am` (offline) makes of each, give the tree of the series at
# the end of that series, one commit per patch.
mbox_msgs() {
	python3 - "$@" <<'PY'
import re, sys
path, sender = sys.argv[1:]
msgs = re.split(r'^From 0{40} .*\n', open(path).read(), flags=re.M)[1:]
bad = 0
for k, m in enumerate(msgs):
    head = m.split('\n\n', 1)[0]
    if re.search(r'\n[ \t]', head):
        print('folded header in', path); bad = 1
    subj = re.search(r'^Subject: (.*)$', head, re.M).group(1)
    to = re.search(r'^To: (.*)$', head, re.M)
    if not to or not re.search(r'intel-xe@|dri-devel@', to.group(1)):
        print('not addressed to intel-xe or dri-devel:', subj); bad = 1
    if re.search(r'^From: (.*)$', head, re.M).group(1) != sender:
        print('not from the sender:', subj); bad = 1
    body = m.split('\n\n', 1)[1].split('\n---\n', 1)[0]
    sobs = re.findall(r'^Signed-off-by: (.*)$', body, re.M)
    if k and sobs[-1:] != [sender]:
        print('not signed off by the sender last:', subj, sobs); bad = 1
print(f'{path.rsplit("/", 1)[1]}: {len(msgs)} messages')
sys.exit(bad)
PY
}

# mbox_apply WHAT BRANCH MBOX END N: git am MBOX on BRANCH (the cover
# letter, which has no diff, is skipped), then compare with the series
# at commit END and N new commits.
mbox_apply() {
	local what=$1 br=$2 mbox=$3 end=$4 n=$5 before want got
	before=$(git -C "$tree" rev-parse "$br")
	git -C "$tree" checkout -q "$br"
	if ! { git -C "$tree" am -q "$mbox" < /dev/null > /dev/null 2>&1 ||
	       git -C "$tree" am -q --skip < /dev/null; }; then
		git -C "$tree" am --abort 2>/dev/null
		echo "$what: does not apply"
		return 1
	fi
	want=$(git -C "$tree" rev-parse "$end^{tree}")
	got=$(git -C "$tree" rev-parse 'HEAD^{tree}')
	if [ "$want" != "$got" ]; then
		echo "$what: gives tree $got, the series has $want"
		return 1
	fi
	if [ "$(git -C "$tree" rev-list --count "$before..HEAD")" != "$n" ]; then
		echo "$what: does not give one commit per patch ($n)"
		return 1
	fi
}

c_mbox() {
	local rc=0 sender d n k=0 done=0 end mbox b4dir mbx out=$w/mbox l list
	local real_name="Ada Tester" real_email="ada.tester@kernel-sender.net"
	rm -rf "$out" && mkdir -p "$out"
	# Refused with the placeholder identity the series is kept with,
	# unless it is a dry run.
	if GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="Seed maintainers" \
	   GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="maintainers@users.noreply.example" \
	   TREE=$tree OUT=$out/refused scripts/mbox.sh > "$out/refused.log" 2>&1; then
		echo "make series wrote mboxes for sending with a placeholder identity"
		rc=1
	fi
	# Signed as whoever runs it: a real-looking identity, no dry run.
	sender="$real_name <$real_email>"
	GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$real_name" \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$real_email" \
		TREE=$tree OUT=$out scripts/mbox.sh > "$w/mbox.out" || return 1
	sed 's/^/info: /' "$w/mbox.out"
	git -C "$tree" branch -f mbox-am series-base
	git -C "$tree" branch -f mbox-b4 series-base
	mapfile -t list < <(series_list)
	for l in "${list[@]}"; do
		read -r d n <<< "$l"
		k=$((k + n))
		end=$(git -C "$tree" rev-list --reverse series-base..series | sed -n "${k}p")
		mbox=$out/$d-v$(cat "$top/series/VERSION").mbox
		[ -f "$mbox" ] || { echo "no $mbox"; rc=1; continue; }
		mbox_msgs "$mbox" "$sender" || rc=1
		if grep -qi 'noreply\|\.example' "$mbox"; then
			echo "$d: the placeholder identity is still in the mbox"
			rc=1
		fi
		mbox_apply "git am $d" mbox-am "$mbox" "$end" "$n" || rc=1
		b4dir=$out/b4-$d
		mkdir -p "$b4dir"
		(cd "$b4dir" && b4 --offline-mode am -m "$mbox" -o "$b4dir") < /dev/null > "$b4dir.log" 2>&1 ||
			{ echo "b4 am $d failed:"; tail -5 "$b4dir.log"; rc=1; continue; }
		mbx=$(ls "$b4dir"/*.mbx 2>/dev/null | head -1)
		[ -n "$mbx" ] || { echo "b4 am $d wrote no .mbx"; rc=1; continue; }
		grep -q "^Total patches: $n\$" "$b4dir.log" ||
			{ echo "b4 am $d: not $n patches"; grep 'Total patches' "$b4dir.log"; rc=1; }
		mbox_apply "b4 am $d" mbox-b4 "$mbx" "$end" "$n" || rc=1
		echo "info: $d: $n patches; git am and b4 am of its mbox give the series tree"
		done=$((done + 1))
	done
	if [ "$done" != "${#list[@]}" ] || [ "$done" = 0 ]; then
		echo "$done of ${#list[@]} series round-tripped"
		rc=1
	fi
	git -C "$tree" checkout -q series
	git -C "$tree" branch -q -D mbox-am mbox-b4
	return $rc
}

run_checks() {
	if ! check apply c_apply; then
		for n in selftest checkpatch kernel-doc base-build base-kunit bisect final-build kunit warnings \
			kunit-upstream debug-kunit variant-xe-m-thp-n variant-gpusvm-n docs mbox igt; do
			skipped "$n" "the series does not apply"
		done
		return
	fi
	check selftest c_selftest
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
	if [ "${result[base-kunit]:-}" = pass ]; then
		check kunit-upstream c_kunit_upstream
	else
		skipped kunit-upstream "no base reference run"
	fi
	check debug-kunit c_debug_kunit
	check variant-xe-m-thp-n c_variant_xe_m_thp_n
	check variant-gpusvm-n c_variant_gpusvm_n
	check docs c_docs
	check mbox c_mbox
	check igt c_igt
	return 0
}
