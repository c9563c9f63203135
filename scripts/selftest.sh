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

# --- checkpatch: a Cc: stable patch without a Fixes: tag nor a reason
expect_fail "checkpatch: Cc: stable without Fixes: and not allowed" 'Cc: stable but no Fixes: tag' \
	fixes_one "$fx/stable-no-fixes.patch"
sed 's/^Fixes: 0123456789ab /Fixes: 01234567 /' "$fx/stable-fixes.patch" > "$w/0001-short-fixes.patch"
expect_fail "checkpatch: a Fixes: tag with 8 hex digits" 'malformed Fixes: tag' \
	fixes_one "$w/0001-short-fixes.patch"
# checkpatch warns of no Fixes: tag only when no line anywhere, the notes
# below --- too, reads like one.
cp_patch() { checkpatch_one "$1" && fixes_one "$1"; }
expect_fail "checkpatch: Cc: stable, a Fixes: line only in the notes below ---" 'Cc: stable but no Fixes: tag' \
	cp_patch "$fx/stable-fixes-in-notes.patch"
expect_pass "checkpatch: Cc: stable with its Fixes: tag" fixes_one "$fx/stable-fixes.patch"
printf '%s\n' "stable-no-* WARNING The commit message has 'stable@', perhaps it also needs a 'Fixes:' tag | the self-test's reason" \
	> "$w/fixes-allow"
expect_pass "checkpatch: Cc: stable without Fixes:, allowed with a reason" \
	fixes_one "$fx/stable-no-fixes.patch" "$w/fixes-allow"
all_fixes() {
	local p rc=0
	for p in $(series_patches); do fixes_one "$p" || rc=1; done
	return $rc
}
expect_pass "checkpatch: every patch of series/ (Fixes: or an allowed reason)" all_fixes

# --- kernel-doc: its exit status (a tree whose scripts/kernel-doc crashes
# the same way on the base and the series: equal outputs, nothing "new")
kd=$w/kdtree
mkdir -p "$kd/scripts"
printf '/* a */\nint a;\n' > "$kd/a.c"
git -C "$kd" init -q && git -C "$kd" add a.c &&
	git -C "$kd" -c user.name=t -c user.email=t@t commit -q -m base && git -C "$kd" tag series-base &&
	echo 'int b;' >> "$kd/a.c" && git -C "$kd" -c user.name=t -c user.email=t@t commit -q -am series &&
	git -C "$kd" branch -q series
printf '#!/bin/sh\necho "%s: warning: Function parameter not described"\n' "\$3" > "$kd/scripts/kernel-doc"
chmod +x "$kd/scripts/kernel-doc"
kdoc() ( tree=$kd; c_kerneldoc; )
expect_pass "kernel-doc: the same warning at base and in the series" kdoc
printf '#!/bin/sh\necho "Traceback (most recent call last):"\necho "ImportError: No module named kdoc"\nexit 1\n' \
	> "$kd/scripts/kernel-doc"
expect_fail "kernel-doc: a kernel-doc that crashes (the same way on both sides)" 'kernel-doc exited 1' kdoc

# --- kunit: suites, completion, splats by site
SERIES_CASES=$fx/series-cases
series_cases=$SERIES_CASES
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

# A suite whose every case skips (the drm_pagemap suite without
# CONFIG_MODULE_UNLOAD): KUnit reports the suite "ok".
sed -E -e 's/ok 1 drm_pagemap_test_burst$/ok 1 drm_pagemap_test_burst # SKIP module references are only counted with CONFIG_MODULE_UNLOAD/' \
	-e 's/ok 4 drm_pagemap$/ok 4 drm_pagemap # SKIP module references are only counted with CONFIG_MODULE_UNLOAD/' \
	"$good" > "$w/allskip.log"
expect_fail "kunit: every case of the drm_pagemap suite skipped" \
	'case drm_pagemap.drm_pagemap_test_burst: skipped in kunit .*not allowed' \
	kunit_judge "$w/allskip.log" "$w/splats-base"
# A KUNIT_CASE() line deleted: the suite runs one case fewer, and passes.
sed -e '/ok 1 ar_munmap_all$/d' -e 's/^\(\[[ 0-9.]*\]     \)1\.\.3$/\11..2/' "$good" > "$w/deleted.log"
expect_fail "kunit: a deleted KUNIT_CASE (ar_munmap_all)" 'case xe_autoreset.ar_munmap_all: did not run' \
	kunit_judge "$w/deleted.log" "$w/splats-base"
sed 's/ar_alloc_fail_madvise # SKIP .*/ar_alloc_fail_madvise # SKIP the mock device has no GuC/' "$good" > "$w/otherskip.log"
expect_fail "kunit: an allowed case skipping for another reason" \
	'case xe_autoreset.ar_alloc_fail_madvise: skipped in kunit .*allows only' \
	kunit_judge "$w/otherskip.log" "$w/splats-base"
sed 's/^\(\[[ 0-9.]*\]     \)ok 2 ar_extents_random$/&\n\1ok 3 ar_extents_unlisted/' "$good" > "$w/unlisted.log"
expect_fail "kunit: a case the expected list does not have" 'case xe_autoreset_extents.ar_extents_unlisted: ran but is not in' \
	kunit_judge "$w/unlisted.log" "$w/splats-base"
# configs/series-cases itself: a run of exactly its cases (the main run's
# skips as it allows them) passes.
python3 - "$top/configs/series-cases" > "$w/listed.log" <<'PY'
import sys
sys.path.insert(0, 'scripts')
import importlib.util
spec = importlib.util.spec_from_file_location('ktap', 'scripts/ktap.py')
ktap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ktap)
want, skips, errors = ktap.read_cases(sys.argv[1])
print('KTAP version 1')
print(f'1..{len(want)}')
for k, (suite, cases) in enumerate(want.items(), 1):
    print(f'    # Subtest: {suite}')
    print(f'    1..{len(cases)}')
    for n, case in enumerate(cases, 1):
        msg = skips.get(('kunit', suite, case))
        print(f'    ok {n} {case}' + (f' # SKIP {msg}' if msg else ''))
    print(f'ok {k} {suite}')
print('reboot: Power down')
PY
# shellcheck disable=SC2046
expect_pass "kunit: configs/series-cases is well formed, and its own cases pass" \
	scripts/ktap.py cases "$w/listed.log" kunit "$top/configs/series-cases" $(series_suites)
# The same run, as debug-kunit: the main run's skips are not allowed there.
expect_fail "debug-kunit: configs/series-cases allows no skip outside the main run" \
	'ar_alloc_fail_madvise: skipped in debug-kunit' \
	scripts/ktap.py cases "$w/listed.log" debug-kunit "$top/configs/series-cases" xe_autoreset

# An RCU stall while a series suite runs.
sed "/ok 1 ar_extents_coalesce/r $fx/rcu-stall.txt" "$good" > "$w/rcustall.log"
expect_fail "kunit: an RCU stall" 'new splat: RCU stall @ xe_autoreset_extents_merge' \
	kunit_judge "$w/rcustall.log" "$w/splats-base"

# Lockdep: a report at a site the base has too (not a new splat), after
# which lockdep is off for the rest of the run; lockdep turned off without
# a word (the /init reads debug_locks=0); no word from the /init at all.
sed -n '/possible circular locking dependency/,/<\/TASK>/p' "$fx/kunit-base.log" > "$w/base-lockdep.txt"
sed "/ok 1 ar_munmap_all/r $w/base-lockdep.txt" "$good" > "$w/baselockdep.log"
expect_fail "kunit: a lockdep report at a site the base has too" \
	'lockdep was turned off during the run, in suite xe_autoreset' \
	kunit_judge "$w/baselockdep.log" "$w/splats-base"
sed 's/debug_locks=1/debug_locks=0/' "$good" > "$w/silentoff.log"
expect_fail "kunit: lockdep off at the end without a word in the log" \
	'lockdep is not on at the end of the run: lockdep-state: debug_locks=0' \
	kunit_judge "$w/silentoff.log" "$w/splats-base"
grep -v 'lockdep-state:' "$good" > "$w/nostate.log"
expect_fail "kunit: the /init did not report lockdep's state" 'did not report lockdep' \
	kunit_judge "$w/nostate.log" "$w/splats-base"

# --- kunit-upstream: kunit.py's log (no /init: lockdep read from the log)
sed -e 's/ # SKIP needs CONFIG_FAILSLAB.*$//' -e '/lockdep-state:/d' -e '/Run \/init/d' "$good" > "$w/upstream.log"
printf '%s\n' 'xe_autoreset ar_alloc_fail_madvise' 'xe_autoreset ar_alloc_fail_worker' > "$w/required-cases"
# The fixtures' required cases, not those of configs/required-cases.
required_cases=$w/required-cases
upstream() ( series_suites() { printf '%s\n' xe_autoreset_extents xe_autoreset drm_pagemap; }
	top=$w/top; mkdir -p "$top/configs"; cp "$w/required-cases" "$top/configs/required-cases"
	kunit_upstream_judge "$1"; )
expect_pass "kunit-upstream: every case passes, lockdep on" upstream "$w/upstream.log"
sed "/ok 1 ar_munmap_all/r $w/base-lockdep.txt" "$w/upstream.log" > "$w/upstream-lockdep.log"
expect_fail "kunit-upstream: a lockdep report that does not say \"turning off\"" \
	'lockdep was turned off during the run' upstream "$w/upstream-lockdep.log"
grep -v 'Lock dependency validator' "$w/upstream.log" > "$w/upstream-nolockdep.log"
expect_fail "kunit-upstream: a kernel without lockdep" 'lockdep was not on' upstream "$w/upstream-nolockdep.log"

# --- final-build: what the series' suites need in .config
grep -v '^#' configs/base.config configs/main.config | cut -d: -f2- | grep '=y$' > "$w/dot-config"
expect_pass "final-build: the main configuration has what the suites need" \
	config_needs "$w/dot-config" "${suite_needs[@]}"
sed 's/^CONFIG_MODULE_UNLOAD=y$/# CONFIG_MODULE_UNLOAD is not set/' "$w/dot-config" > "$w/dot-config-nounload"
expect_fail "final-build: no CONFIG_MODULE_UNLOAD (drm_pagemap would skip)" 'CONFIG_MODULE_UNLOAD is not set' \
	config_needs "$w/dot-config-nounload" "${suite_needs[@]}"

# --- warnings: multisets of diagnostics, the build's status, sparse ran
mkdir -p "$w/wt/drivers/gpu/drm/xe"
printf 'int xe_t(void);\nint xe_t(void)\n{\n\treturn 0;\n}\n' > "$w/wt/drivers/gpu/drm/xe/xe_t.c"
# warn_case NAME BASE_OUT HEAD_OUT HEAD_RC [SPARSE_BIN]: the judge's inputs as
# warn_pass leaves them, sparse-wrap.sh run on a file for real.
warn_case() {
	warn_list < "$2" > "$w/warn.base"
	warn_list < "$3" > "$w/warn.head"
	echo 0 > "$w/warn.base.rc"
	echo "$4" > "$w/warn.head.rc"
	: > "$w/sparse.head"
	(cd "$w/wt" && SPARSE_BIN=${5:-sparse} SPARSE_LOG=$w/sparse.head \
		"$top/scripts/sparse-wrap.sh" drivers/gpu/drm/xe/xe_t.c 2> /dev/null)
	warnings_judge drivers/gpu/drm/xe/xe_t.o
}
expect_pass "warnings: the same diagnostics (one moved, one header's printed once per file)" \
	warn_case same "$fx/warn-base.log" "$fx/warn-head.log" 0
expect_fail "warnings: a new diagnostic with the text of a base one" \
	"new W=1/sparse diagnostics:" warn_case dup "$fx/warn-base.log" "$fx/warn-head-dup.log" 0
expect_fail "warnings: a W=1 build that fails" 'build of the head tree failed' \
	warn_case buildfail "$fx/warn-base.log" "$fx/warn-head.log" 2
expect_fail "warnings: sparse invoked but never running" 'sparse did not run on drivers/gpu/drm/xe/xe_t.c' \
	warn_case silent "$fx/warn-base.log" "$fx/warn-head.log" 0 true
expect_fail "warnings: sparse that cannot start" 'sparse did not run on drivers/gpu/drm/xe/xe_t.c' \
	warn_case nostart "$fx/warn-base.log" "$fx/warn-head.log" 0 "$w/no-such-sparse"

# --- debug-kunit: required cases, kmemleak (the real /init, built for the host)
mkdir -p "$w/proc"
printf ' lock-classes:                         1598 [max: 8192]\n debug_locks:                             1\n' \
	> "$w/proc/lockdep_stats"
gcc -DSELFTEST -DKMEMLEAK_DIR="\"$w/dbg\"" -DPROC_DIR="\"$w/proc\"" -Wall -Wextra -Werror -o "$w/kinit" \
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
	'1 leaks' debug_judge "$w/leak.log" xe_autoreset
debug_log otherleak "$fx/kmemleak-other-leak.txt"
expect_fail "debug-kunit: a kmemleak report whose trace names no series function" \
	'1 leaks' debug_judge "$w/otherleak.log" xe_autoreset
allowed_leak() ( kmemleak_allow=$fx/kmemleak-allow; debug_judge "$@"; )
expect_pass "debug-kunit: a kmemleak report an allow-list entry allows with its reason" \
	allowed_leak "$w/otherleak.log" xe_autoreset
printf ' debug_locks:                             0\n' > "$w/proc/lockdep_stats"
debug_log lockdepoff
printf ' debug_locks:                             1\n' > "$w/proc/lockdep_stats"
expect_fail "debug-kunit: lockdep off at the end" 'lockdep-state: debug_locks=0' \
	debug_judge "$w/lockdepoff.log" xe_autoreset
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

# --- igt: CI must require an IGT source (.ci/run, with make test in it
# replaced by the igt check alone and no IGT source)
mkdir -p "$w/fakebin"
printf '#!/bin/sh\nexec "%s/scripts/igt.sh"\n' "$top" > "$w/fakebin/make"
chmod +x "$w/fakebin/make"
ci_igt() { env -u CI -u IGT_REQUIRE PATH="$w/fakebin:$PATH" IGT_SRC="$w/no-igt" "$top/.ci/run"; }
expect_fail "igt: CI without an IGT source" 'required under CI' ci_igt

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
