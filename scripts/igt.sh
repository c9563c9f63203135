#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hardware tests as an igt-gpu-tools patch series (igt/), checked
# without hardware (`make igt`, and the igt check of `make test`):
#
#   1. git am the series on a git copy of the IGT source (build/igt/src);
#   2. its xe_drm.h sync equals the series' uAPI header (when KTREE, a
#      kernel tree with the series applied, is given);
#   3. configure with -Dtestplan=enabled and build only the test;
#   4. igt_doc.py --check-testlist: the test documentation matches the
#      subtests the binary lists, and no mandatory field is missing;
#   5. --list-subtests lists them;
#   6. run it: without an xe device every subtest must skip (exit 77);
#   7. checkpatch.pl with IGT's .checkpatch.conf on every patch, except
#      the reviewed findings in igt/checkpatch-allow.
#
# IGT_SRC is an igt-gpu-tools tree or a directory holding its source
# tarball (igt-gpu-tools-*.tar.xz); default ../shared/igt beside this
# checkout. Without one the check says it skipped and why, and passes,
# except under CI (CI set in the environment) or IGT_REQUIRE=1, where a
# missing source fails. CHECKPATCH: checkpatch.pl to use (default: from
# KTREE, else from the linux-source tarball under cache/).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

test_name=xe_madvise_autoreset
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

# 2. The uAPI sync is the series' header, as headers_install exports it.
ktree=${KTREE:-}
if [ -n "$ktree" ] && [ -f "$ktree/include/uapi/drm/xe_drm.h" ]; then
	sed -E -e 's@#(ifndef|define|endif[[:space:]]*/[*])[[:space:]]*_UAPI@#\1 @' \
		-e 's/([[:space:](])(__user|__force|__iomem)[[:space:]]/\1/g' \
		"$ktree/include/uapi/drm/xe_drm.h" > "$w/xe_drm.series.h"
	diff -u "$w/xe_drm.series.h" "$src/include/drm-uapi/xe_drm.h" > "$w/xe_drm.diff" ||
		{ head -40 "$w/xe_drm.diff"; fail "include/drm-uapi/xe_drm.h differs from $ktree's"; }
	step "include/drm-uapi/xe_drm.h is the series' header"
else
	echo "info: no kernel tree with the series (KTREE): the header sync is not compared"
fi

# 3. Configure once, build only the test and its testlist.
if [ ! -f "$bld/build.ninja" ]; then
	nice -n 10 meson setup "$bld" "$src" -Dtests=enabled -Dtestplan=enabled \
		-Dman=disabled -Ddocs=disabled -Dsphinx=disabled -Doverlay=disabled \
		-Dchamelium=disabled -Dvalgrind=disabled -Drunner=disabled \
		-Dlibdrm_drivers=intel > "$w/setup.log" 2>&1 ||
		{ tail -30 "$w/setup.log"; rm -rf "$bld"; fail "meson setup failed"; }
	step "configured (-Dtestplan=enabled)"
fi
nice -n 10 ninja -j2 -C "$bld" "tests/$test_name" "tests/$test_name.testlist" > "$w/build.log" 2>&1 ||
	{ grep -E 'error|FAILED' "$w/build.log" | head -30; fail "the build failed"; }
step "built tests/$test_name ($(grep -c '^\[' "$w/build.log") ninja steps)"

# 4. Test documentation, as the testplan build checks it; binaries not
# built here are left out by igt_doc.py itself.
(cd "$src" && python3 scripts/igt_doc.py --config tests/intel/xe_test_config.json \
	--rest "$w/xe_tests.rst" --check-testlist --igt-build-path "$bld") > "$w/doc.log" 2>&1
rc=$?
if [ $rc -ne 0 ] || grep -q "$test_name.*documentation is missing" "$w/doc.log"; then
	grep -E "ERROR|$test_name" "$w/doc.log" | head -30
	fail "igt_doc.py: the test documentation does not match the test"
fi
documented=$(grep -c "^\`\`igt@$test_name@" "$w/xe_tests.rst")
step "igt_doc.py --check-testlist: $documented subtests documented"

# 5. The subtests.
bin=$bld/tests/$test_name
mapfile -t subtests < <("$bin" --list-subtests)
[ ${#subtests[@]} -gt 0 ] || fail "$test_name --list-subtests lists nothing"
[ ${#subtests[@]} -eq "$documented" ] ||
	fail "${#subtests[@]} subtests listed, $documented documented"
echo "info: subtests: ${subtests[*]}"

# 6. Run it. Without an xe device every subtest skips and the exit
# status is IGT's skip (77).
"$bin" > "$w/run.log" 2>&1
rc=$?
if ls /sys/bus/pci/drivers/xe/0000:* > /dev/null 2>&1; then
	[ $rc -eq 0 ] || [ $rc -eq 77 ] || { tail -30 "$w/run.log"; fail "$test_name failed (exit $rc)"; }
	echo "info: an xe device is present: ran for real, exit $rc"
else
	[ $rc -eq 77 ] || { tail -30 "$w/run.log"; fail "$test_name exit $rc without an xe device, expected 77 (skip)"; }
	for s in "${subtests[@]}"; do
		grep -q "^Subtest $s: SKIP" "$w/run.log" ||
			{ grep "^Subtest $s:" "$w/run.log"; fail "subtest $s did not skip"; }
	done
	step "no xe device: all ${#subtests[@]} subtests skip, exit 77"
fi

# 7. checkpatch with IGT's settings.
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
