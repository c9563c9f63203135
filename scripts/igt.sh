#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hardware tests as an igt-gpu-tools patch series (igt/), checked
# without hardware (`make igt`, and the igt check of `make test`):
#
#   1. git am the series on a git copy of the IGT source (build/igt/src);
#   2. the uAPI: the IGT series syncs no header (include/drm-uapi/), and
#      the kernel series (series/) changes only comments in xe_drm.h, so
#      none is needed until a regular sync from drm-next;
#   3. the cover letter's diffstat is what the series gives
#      (git diff --numstat of the snapshot and the applied series);
#   4. every subtest the series documents says why it fails on 7.3 ("On
#      7.3 this fails because ...") or that it is a control ("This is a
#      control");
#   5. configure with -Dtestplan=enabled and build only the tests;
#   6. igt_doc.py --check-testlist: the test documentation matches the
#      subtests the binaries list, and no mandatory field is missing;
#   7. --list-subtests lists them;
#   8. run them: without an xe device every subtest must skip (exit 77);
#   9. checkpatch.pl with IGT's .checkpatch.conf on every patch, except
#      the reviewed findings in igt/checkpatch-allow.
#
# Sourced (scripts/selftest.sh), it only defines the judges of 2-4.
#
# IGT_SRC is an igt-gpu-tools tree or a directory holding its source
# tarball (igt-gpu-tools-*.tar.xz); default ../shared/igt beside this
# checkout. Without one the check says it skipped and why, and passes,
# except under CI (CI set in the environment) or IGT_REQUIRE=1, where a
# missing source fails. CHECKPATCH: checkpatch.pl to use (default: from
# KTREE, else from the linux-source tarball under cache/).

# igt_uapi_judge SERIES_DIR IGT_PATCH...: no IGT patch touches
# include/drm-uapi/, and no patch of SERIES_DIR/*/ changes anything but
# comments in include/uapi/drm/xe_drm.h.
igt_uapi_judge() {
	local series=$1
	shift
	python3 - "$series" "$@" <<'PY'
import glob, re, sys
series, igt = sys.argv[1], sys.argv[2:]
bad = 0
for p in igt:
    for line in open(p, errors='replace'):
        if re.match(r'^(\+\+\+ b|--- a)/include/drm-uapi/', line):
            print(f'igt: {p.split("/")[-1]} touches {line[6:].strip()}: a header sync comes from drm-next, not from an unmerged series')
            bad = 1
            break
for p in sorted(glob.glob(f'{series}/*/0*.patch')):
    cur = None
    for line in open(p, errors='replace'):
        if line.startswith('diff --git '):
            cur = line.split()[-1][2:]
            continue
        if cur != 'include/uapi/drm/xe_drm.h' or line.startswith(('+++', '---')):
            continue
        if line[:1] in '+-' and line[1:].strip() and not re.match(r'\s*(\*|/\*)', line[1:]):
            print(f'igt: {p.split("/")[-1]} changes a definition of xe_drm.h ({line.rstrip()}): '
                  'the IGT series then needs a header sync from drm-next once the kernel series is merged')
            bad = 1
            break
sys.exit(bad)
PY
}

# igt_diffstat_judge COVER NUMSTAT: the diffstat in COVER (git
# format-patch --cover-letter) names the files of NUMSTAT (git diff
# --numstat of the series) with their line counts, and its summary line
# has NUMSTAT's totals.
igt_diffstat_judge() {
	python3 - "$1" "$2" <<'PY'
import re, sys
cover, numstat = sys.argv[1], sys.argv[2]
want = {}
for line in open(numstat):
    a, d, path = line.rstrip('\n').split('\t', 2)
    want[path] = (int(a), int(d))
got, summary = {}, None
for line in open(cover):
    m = re.match(r'^ (\S.*?)\s+\|\s+(\d+)(?: [+-]*)?$', line)
    if m:
        got[m.group(1)] = int(m.group(2))
    m = re.match(r'^ (\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?$', line)
    if m:
        summary = tuple(int(x or 0) for x in m.groups())
bad = []
for path, (a, d) in want.items():
    keys = [k for k in got if k == path or (k.startswith('...') and path.endswith(k[3:]))]
    if not keys:
        bad.append(f'{path} is not in it')
    elif got[keys[0]] != a + d:
        bad.append(f'{path}: {got[keys[0]]} lines there, the patches give {a + d}')
for k in got:
    if not any(k == p or (k.startswith('...') and p.endswith(k[3:])) for p in want):
        bad.append(f'{k} is in it, the patches do not touch it')
total = (len(want), sum(a for a, _ in want.values()), sum(d for _, d in want.values()))
if summary != total:
    bad.append(f'summary {summary} (files, insertions, deletions), the patches give {total}')
for b in bad:
    print(f'igt: cover letter diffstat: {b}')
sys.exit(1 if bad else 0)
PY
}

# igt_subtest_docs_judge PATCH...: every SUBTEST: documentation block the
# patches add says "On 7.3 this fails because" or "This is a control".
igt_subtest_docs_judge() {
	python3 - "$@" <<'PY'
import re, sys
need = re.compile(r'On 7\.3 this fails because|This is a control')
blocks = []
for p in sys.argv[1:]:
    cur = None
    for line in open(p, errors='replace'):
        added = line.startswith('+') and not line.startswith('+++')
        text = line[1:].strip() if added else ''
        if cur and (not added or re.search(r'\b(SUB)?TEST:', text) or text.startswith('*/')):
            blocks.append(cur)
            cur = None
        m = re.search(r'\bSUBTEST: (\S+)', text) if added else None
        if m:
            cur = [m.group(1), p.split('/')[-1], '']
        elif cur:
            cur[2] += ' ' + text.lstrip('*').strip()
    if cur:
        blocks.append(cur)
if not blocks:
    print('igt: the patches document no subtest (SUBTEST:)')
    sys.exit(1)
bad = [b for b in blocks if not need.search(re.sub(r'\s+', ' ', b[2]))]
for name, patch, _ in bad:
    print(f'igt: {patch}: subtest {name}: its documentation says neither "On 7.3 this fails because" nor "This is a control"')
sys.exit(1 if bad else 0)
PY
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
	return 0
fi

set -uo pipefail
source "$(dirname "$0")/lib.sh"

tests=(xe_madvise xe_multigpu_svm)
w=$top/build/igt
src=$w/src
bld=$w/bld
t0=$SECONDS

step() { echo "info: $1 ($((SECONDS - t0)) s)"; }
fail() { echo "igt: $*"; exit 1; }

igt_src=${IGT_SRC:-$top/../shared/igt}
if [ ! -d "$igt_src" ]; then
	if [ -n "${IGT_SRC:-}" ]; then
		why="no IGT source: IGT_SRC=$IGT_SRC is not a directory"
	else
		why="no IGT source: IGT_SRC is not set and $(cd "$top/.." && pwd)/shared/igt does not exist"
	fi
	if [ -n "${CI:-}" ] || [ "${IGT_REQUIRE:-0}" = 1 ]; then
		fail "$why (required under CI)"
	fi
	echo "info: skipped: $why; set IGT_SRC=/path/to/igt-gpu-tools"
	exit 0
fi
igt_src=$(cd "$igt_src" && pwd)

mapfile -t patches < <(ls "$top"/igt/0*.patch 2>/dev/null | grep -v '/0000-')
[ ${#patches[@]} -gt 0 ] || fail "no patches in igt/"

# 1. A git copy of the source, recreated only when the source changed.
if [ -f "$igt_src/meson.build" ]; then
	origin=$igt_src
	stamp="tree $igt_src $(git -C "$igt_src" rev-parse HEAD 2>/dev/null || echo plain)"
else
	origin=$(ls "$igt_src"/igt-gpu-tools-*.tar.xz 2>/dev/null | tail -1)
	[ -n "$origin" ] || fail "$igt_src holds neither an IGT tree nor igt-gpu-tools-*.tar.xz"
	stamp="tarball $origin $(stat -c '%s %Y' "$origin")"
fi
if [ "$(cat "$w/base.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$w"
	mkdir -p "$w"
	if [ -f "$igt_src/meson.build" ]; then
		rsync -a --exclude .git --exclude build "$igt_src/" "$src/" || fail "copying $igt_src"
	else
		mkdir -p "$w/unpack"
		tar -xJf "$origin" -C "$w/unpack" || fail "unpacking $origin"
		mv "$w/unpack"/* "$src" || fail "unexpected layout of $origin"
		rmdir "$w/unpack"
	fi
	git -C "$src" init -q -b series &&
	git -C "$src" add -A . &&
	git -C "$src" -c user.name=igt -c user.email=igt@localhost commit -q -m "IGT source: $(basename "$origin")" &&
	git -C "$src" tag snapshot || fail "git init of the IGT copy"
	echo "$stamp" > "$w/base.stamp"
	step "IGT source: $origin"
fi

# The series again only when igt/ changed, so a warm build stays warm.
digest=$(cat "${patches[@]}" | sha1sum | cut -c1-16)
if [ "$(cat "$w/series.stamp" 2>/dev/null)" != "$digest" ]; then
	rm -f "$w/series.stamp"
	git -C "$src" am --abort >/dev/null 2>&1
	git -C "$src" checkout -q -f -B series snapshot && git -C "$src" clean -qfdx ||
		fail "resetting the IGT copy"
	if ! git -C "$src" -c user.name=igt -c user.email=igt@localhost am -q "${patches[@]}"; then
		git -C "$src" am --abort >/dev/null 2>&1
		fail "the IGT series does not apply to $(basename "$origin")"
	fi
	echo "$digest" > "$w/series.stamp"
fi
step "${#patches[@]} patches applied to $(basename "$origin")"

# 2. The uAPI: no header sync in the IGT series, none needed by the kernel's.
igt_uapi_judge "$top/series" "${patches[@]}" || fail "the uAPI header"
step "no header sync: the kernel series changes only comments in xe_drm.h"

# 3. The cover letter's diffstat is the series'.
git -C "$src" diff --numstat snapshot series > "$w/numstat" || fail "git diff --numstat"
igt_diffstat_judge "$top/igt/0000-cover-letter.patch" "$w/numstat" ||
	fail "igt/0000-cover-letter.patch: its diffstat is not what the patches give"
step "the cover letter's diffstat is the series' ($(wc -l < "$w/numstat") files)"

# 4. Each subtest says why it fails on 7.3, or that it is a control.
igt_subtest_docs_judge "${patches[@]}" || fail "a subtest does not say how 7.3 fails it"
step "every documented subtest says how 7.3 fails it or that it is a control"

# 5. Configure once, build only the tests and their testlists.
if [ ! -f "$bld/build.ninja" ]; then
	nice -n 19 meson setup "$bld" "$src" -Dtests=enabled -Dtestplan=enabled \
		-Dman=disabled -Ddocs=disabled -Dsphinx=disabled -Doverlay=disabled \
		-Dchamelium=disabled -Dvalgrind=disabled -Drunner=disabled \
		-Dlibdrm_drivers=intel > "$w/setup.log" 2>&1 ||
		{ tail -30 "$w/setup.log"; rm -rf "$bld"; fail "meson setup failed"; }
	step "configured (-Dtestplan=enabled)"
fi
targets=()
for t in "${tests[@]}"; do targets+=("tests/$t" "tests/$t.testlist"); done
nice -n 19 ninja -j2 -C "$bld" "${targets[@]}" > "$w/build.log" 2>&1 ||
	{ grep -E 'error|FAILED' "$w/build.log" | head -30; fail "the build failed"; }
step "built ${tests[*]} ($(grep -c '^\[' "$w/build.log") ninja steps)"

# 6. Test documentation, as the testplan build checks it; binaries not
# built here are left out by igt_doc.py itself.
(cd "$src" && python3 scripts/igt_doc.py --config tests/intel/xe_test_config.json \
	--rest "$w/xe_tests.rst" --check-testlist --igt-build-path "$bld") > "$w/doc.log" 2>&1
rc=$?
if [ $rc -ne 0 ] || grep -qE "($(IFS='|'; echo "${tests[*]}")).*documentation is missing" "$w/doc.log"; then
	grep -E "ERROR|$(IFS='|'; echo "${tests[*]}")" "$w/doc.log" | head -30
	fail "igt_doc.py: the test documentation does not match the tests"
fi
step "igt_doc.py --check-testlist passes"

hw=0
ls /sys/bus/pci/drivers/xe/0000:* > /dev/null 2>&1 && hw=1
for t in "${tests[@]}"; do
	# 7. The subtests, as documented.
	bin=$bld/tests/$t
	documented=$(grep -c "^\`\`igt@$t@" "$w/xe_tests.rst")
	mapfile -t subtests < <("$bin" --list-subtests)
	[ ${#subtests[@]} -gt 0 ] || fail "$t --list-subtests lists nothing"
	[ ${#subtests[@]} -eq "$documented" ] ||
		fail "$t: ${#subtests[@]} subtests listed, $documented documented"
	echo "info: $t: ${#subtests[@]} subtests: ${subtests[*]}"

	# 8. Run it. Without an xe device every subtest skips and the exit
	# status is IGT's skip (77).
	"$bin" > "$w/run-$t.log" 2>&1
	rc=$?
	if [ $hw = 1 ]; then
		[ $rc -eq 0 ] || [ $rc -eq 77 ] || { tail -30 "$w/run-$t.log"; fail "$t failed (exit $rc)"; }
		echo "info: an xe device is present: $t ran for real, exit $rc"
	else
		[ $rc -eq 77 ] || { tail -30 "$w/run-$t.log"; fail "$t exit $rc without an xe device, expected 77 (skip)"; }
		for s in "${subtests[@]}"; do
			grep -q "^Subtest $s: SKIP" "$w/run-$t.log" ||
				{ grep "^Subtest $s:" "$w/run-$t.log"; fail "$t: subtest $s did not skip"; }
		done
		step "no xe device: all ${#subtests[@]} subtests of $t skip, exit 77"
	fi
done

# 9. checkpatch with IGT's settings.
ktree=${KTREE:-}
cp=${CHECKPATCH:-}
if [ -z "$cp" ] && [ -n "$ktree" ] && [ -x "$ktree/scripts/checkpatch.pl" ]; then
	cp=$ktree/scripts/checkpatch.pl
fi
if [ -z "$cp" ]; then
	tarball=$(ls "$top"/cache/linux-source/linux-source-*.tar.xz 2>/dev/null | tail -1)
	[ -n "$tarball" ] || scripts/fetch-base.sh > /dev/null ||
		fail "no checkpatch.pl: no kernel tree and no linux-source"
	tarball=$(ls "$top"/cache/linux-source/linux-source-*.tar.xz | tail -1)
	if [ ! -x "$w/checkpatch/scripts/checkpatch.pl" ]; then
		mkdir -p "$w/checkpatch"
		tar -xJf "$tarball" -C "$w/checkpatch" --strip-components=1 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' || fail "extracting checkpatch.pl"
	fi
	cp=$w/checkpatch/scripts/checkpatch.pl
fi
mapfile -t cp_opts < <(grep -v '^#' "$src/.checkpatch.conf")
bad=0
for p in "${patches[@]}"; do
	out=$(cd "$w" && perl "$cp" --no-tree --terse --show-types "${cp_opts[@]}" "$p" 2>&1)
	cprc=$?
	out=$(echo "$out" | python3 "$top/scripts/allow.py" --rc $cprc "$top/igt/checkpatch-allow" "$(basename "$p")") ||
		{ echo "$(basename "$p"):"; echo "$out"; bad=1; }
done
[ $bad -eq 0 ] || fail "checkpatch (IGT's .checkpatch.conf) has findings not in igt/checkpatch-allow"
step "checkpatch with IGT's .checkpatch.conf: ${#patches[@]} patches clean"
echo "info: igt check done in $((SECONDS - t0)) s"
