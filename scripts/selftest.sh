#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The self-test of make test's checks (check "selftest", right after
# "apply"): every check that can be fooled cheaply is fed a planted defect
# (tests/selftest/) through the very functions make test judges with, and
# must fail, for the reason planted; a control input must pass, so that a
# check that fails everything does not pass either. Exits 1 if any planted
# defect gets through. Needs the test tree (checkpatch.pl): TREE, default
# build/test/linux.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$top"
tree=$(realpath "${TREE:-$top/build/test/linux}")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
source "$top/scripts/checks.sh"
fx=$top/tests/selftest
bad=0
n=0

# expect_fail WHAT PATTERN CMD...: CMD must fail, saying PATTERN.
expect_fail() {
	local what=$1 pat=$2 out
	shift 2
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "LET THROUGH: $what"
		bad=1
	elif ! grep -qE -- "$pat" <<< "$out"; then
		echo "FAILED FOR ANOTHER REASON: $what (expected /$pat/)"
		bad=1
	else
		echo "caught: $what"
		return 0
	fi
	sed 's/^/    | /' <<< "$out" | head -n 15
}

# expect_pass WHAT CMD...: a control; CMD must pass.
expect_pass() {
	local what=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "passes: $what"
	else
		echo "CONTROL FAILED: $what"
		sed 's/^/    | /' <<< "$out" | head -n 15
		bad=1
	fi
}

# --- checkpatch
first=$fx/checkpatch-clean.patch
expect_pass "checkpatch: a clean patch" checkpatch_one "$first"
expect_fail "checkpatch: a patch with a checkpatch error" 'ERROR:TRAILING_WHITESPACE' \
	checkpatch_one "$fx/checkpatch-error.patch"
expect_fail "checkpatch: an unknown option (checkpatch prints its usage)" 'did not run' \
	checkpatch_one "$first" --no-signoff-check=0
cannot_start() { CHECKPATCH=$w/no-such-checkpatch.pl checkpatch_one "$1"; }
expect_fail "checkpatch: a checkpatch that cannot start" 'did not run' cannot_start "$first"

# --- kunit: suites, completion, splats by site
scripts/ktap.py splats "$fx/kunit-base.log" | sort -u > "$w/splats-base"
good=$fx/kunit-good.log
expect_pass "kunit: a complete run" kunit_judge "$good" "$w/splats-base"
# xe_autoreset gone (the plan says 3 suites, and 3 ran): xe_autoreset_extents
# alone would satisfy a glob.
sed -e '/# Subtest: xe_autoreset$/,/ok 3 xe_autoreset$/d' -e 's/1\.\.4$/1..3/' \
	-e 's/ok 4 drm_pagemap/ok 3 drm_pagemap/' "$good" > "$w/missing.log"
expect_fail "kunit: the xe_autoreset suite is missing" 'missing suite: xe_autoreset$' \
	kunit_judge "$w/missing.log" "$w/splats-base"
# The guest hangs in a fifth suite, after the series' ones; the command
# line it echoed at boot says kunit_shutdown all the same.
sed -e 's/1\.\.4$/1..5/' -e '/reboot: Power down/d' "$good" > "$w/unfinished.log"
expect_fail "kunit: a run that stops after four of five suites" 'stopped after 4 of 5' \
	kunit_judge "$w/unfinished.log" "$w/splats-base"
grep -v 'reboot: Power down' "$good" > "$w/nopoweroff.log"
expect_fail "kunit: a run that never powers off" 'did not power off' \
	kunit_judge "$w/nopoweroff.log" "$w/splats-base"
# A lockdep report at a site the base has none, while the base has one of
# the same kind elsewhere.
sed "/ok 1 ar_munmap_all/r $fx/lockdep-other-site.txt" "$good" > "$w/newsplat.log"
expect_fail "kunit: a new lockdep report, of a kind the base also has" \
	'new splat: LOCKDEP possible circular locking dependency detected @ xe_autoreset_work' \
	kunit_judge "$w/newsplat.log" "$w/splats-base"
# An uninitialized lock: lockdep reports it once and turns itself off
# (seen in the series' own KUnit VM before it stopped priming the GuC
# CT lock of the mock device); every report after it would be lost.
sed "/ok 1 ar_munmap_all/r $fx/lockdep-nonstatic-key.txt" "$good" > "$w/nonstatic.log"
expect_fail "kunit: lockdep turned off by a non-static key" \
	'new splat: LOCKDEP non-static key @ xe_vm_init_prove_locking' \
	kunit_judge "$w/nonstatic.log" "$w/splats-base"

# --- debug-kunit: required cases, kmemleak (the real /init, built for the host)
gcc -DSELFTEST -DKMEMLEAK_DIR="\"$w/dbg\"" -Wall -Wextra -Werror -o "$w/kinit" \
	tools/kmemleak-init.c || bad=1
# debug_log NAME [LEAK]: debug-good.log, then what the /init prints with a
# readable, empty kmemleak file (with LEAK: a leak report in it), then the
# power-off.
debug_log() {
	cp "$fx/debug-good.log" "$w/$1.log"
	"$w/kinit" | sed 's/^/[   20.000000] /' > "$w/init.out"
	if [ -n "${2:-}" ]; then
		sed "/report begins/r $2" "$w/init.out"
	else
		cat "$w/init.out"
	fi >> "$w/$1.log"
	echo '[   21.000000] reboot: Power down' >> "$w/$1.log"
}
mkdir -p "$w/dbg" && : > "$w/dbg/kmemleak"
debug_log dgood
expect_pass "debug-kunit: xe_autoreset, required cases run, no leak" debug_judge "$w/dgood.log" xe_autoreset
sed 's/ok 2 ar_alloc_fail_madvise$/ok 2 ar_alloc_fail_madvise # SKIP needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS/' \
	"$w/dgood.log" > "$w/skip.log"
expect_fail "debug-kunit: a required fault-injection case skipped" \
	'required case xe_autoreset.ar_alloc_fail_madvise: SKIP' debug_judge "$w/skip.log" xe_autoreset
grep -v 'ar_alloc_fail_worker' "$w/dgood.log" > "$w/norun.log"
expect_fail "debug-kunit: a required case that does not exist" \
	'required case xe_autoreset.ar_alloc_fail_worker: did not run' debug_judge "$w/norun.log" xe_autoreset
debug_log leak "$fx/kmemleak-leak.txt"
expect_fail "debug-kunit: a kmemleak report of an object the series allocated" \
	'1 allocated by the series' debug_judge "$w/leak.log" xe_autoreset
rm -rf "$w/dbg"
debug_log unreadable
expect_fail "debug-kunit: the kmemleak file cannot be opened" \
	'kmemleak-init: cannot open' debug_judge "$w/unreadable.log" xe_autoreset

# --- docs: a new warning, a DOC section not rendered
d=$w/docs
for t in base head new; do
	mkdir -p "$d/$t/Documentation/output/gpu/_sources"
done
subst() { sed -e "s|@TREE@|$tree|g" -e "s|@OUT@|$2|g" "$1"; }
subst "$fx/docs-base.log" "$d/base" > "$d/base.log"
subst "$fx/docs-base.log" "$d/head" > "$d/head.log"
subst "$fx/docs-new-warning.log" "$d/new" > "$d/new.log"
# Pages with the DOC sections' text, as a :doc: directive renders it.
for title in "${doc_titles[@]}"; do
	echo "<h2>$title</h2>" >> "$d/titles.html"
	echo "<p>$(scripts/docrender.py --words "$tree" "$title") and the rest.</p>" >> "$d/page.html"
done
for t in head new; do
	cp "$d/page.html" "$d/$t/Documentation/output/gpu/drm-mm.html"
done
expect_pass "docs: no new warning, both DOC sections rendered" \
	docs_judge "$d/base.log" "$d/base" "$d/head.log" "$d/head"
expect_fail "docs: a new Sphinx warning" 'xe_vm.c:+ WARNING: Inline emphasis' \
	docs_judge "$d/base.log" "$d/base" "$d/new.log" "$d/new"
# What the old check took as rendered: the titles on a page (a :doc:
# directive does not render them) and the text in the _sources copy only.
mv "$d/head/Documentation/output/gpu/drm-mm.html" "$d/head/Documentation/output/gpu/_sources/drm-mm.rst.txt"
cp "$d/titles.html" "$d/head/Documentation/output/gpu/drm-mm.html"
expect_fail "docs: the DOC sections' text only in the _sources copy" 'is not on any rendered page' \
	docs_judge "$d/base.log" "$d/base" "$d/head.log" "$d/head"

# --- igt: the cover letter's diffstat, each subtest's 7.3 line, the uAPI
# (the judges of scripts/igt.sh, on the real igt/ series and defects
# planted into copies of it)
source "$top/scripts/igt.sh"
ig=$w/igt
mkdir -p "$ig"
igt_p=("$top"/igt/000[1-9]-*.patch)
git apply --numstat "${igt_p[@]}" > "$ig/numstat"
expect_pass "igt: the cover letter's diffstat is the series'" \
	igt_diffstat_judge "$top/igt/0000-cover-letter.patch" "$ig/numstat"
sed -E 's@^( tests/intel/xe_madvise\.c +\| +)[0-9]+@\19999@' \
	"$top/igt/0000-cover-letter.patch" > "$ig/cover-count.patch"
expect_fail "igt: a cover letter diffstat with a stale line count" \
	'diffstat: tests/intel/xe_madvise.c: 9999 lines there' \
	igt_diffstat_judge "$ig/cover-count.patch" "$ig/numstat"
grep -v '^ tests/intel/xe_multigpu_svm\.c ' "$top/igt/0000-cover-letter.patch" > "$ig/cover-file.patch"
expect_fail "igt: a cover letter diffstat without a file the series touches" \
	'diffstat: tests/intel/xe_multigpu_svm.c is not in it' \
	igt_diffstat_judge "$ig/cover-file.patch" "$ig/numstat"
expect_pass "igt: every subtest says how 7.3 fails it, or that it is a control" \
	igt_subtest_docs_judge "${igt_p[@]}"
sed '0,/On 7\.3 this fails because/s//On 7.3 this breaks since/' "${igt_p[0]}" > "$ig/no-73.patch"
expect_fail "igt: a subtest without its 7.3 line" 'subtest autoreset-cpu-only-munmap: its documentation' \
	igt_subtest_docs_judge "$ig/no-73.patch"
sed 's/This is a control/This checks/' "${igt_p[0]}" > "$ig/no-control.patch"
expect_fail "igt: a control that does not say so" 'subtest autoreset-no-flag-control: its documentation' \
	igt_subtest_docs_judge "$ig/no-control.patch"
expect_pass "igt: no header sync, none needed" igt_uapi_judge "$top/series" "${igt_p[@]}"
mkdir -p "$ig/series"
cp -r "$top"/series/[0-9]* "$ig/series/"
sed -i '0,/^+ \*    The reset covers/s//+#define DRM_XE_VM_BIND_FLAG_PLANTED\t(1 << 9)\n&/' \
	"$ig"/series/3-*/0011-*.patch
expect_fail "igt: a kernel series that changes a uAPI definition" 'changes a definition of xe_drm.h' \
	igt_uapi_judge "$ig/series" "${igt_p[@]}"
{ cat "${igt_p[0]}"; printf '%s\n' 'diff --git a/include/drm-uapi/xe_drm.h b/include/drm-uapi/xe_drm.h' \
	'--- a/include/drm-uapi/xe_drm.h' '+++ b/include/drm-uapi/xe_drm.h'; } > "$ig/sync.patch"
expect_fail "igt: an IGT patch that syncs a header from the unmerged series" \
	'touches include/drm-uapi/xe_drm.h' igt_uapi_judge "$top/series" "$ig/sync.patch"

echo "info: self-test: $n cases, planted defects $([ $bad -eq 0 ] && echo all caught || echo LET THROUGH)"
exit $bad
