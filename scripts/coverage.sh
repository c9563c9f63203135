#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make coverage: the series in build/cov/linux, the main configuration with
# gcov (configs/coverage.config) in build/cov/obj, profiling only the
# series' non-test C files; the series' KUnit suites booted in QEMU, then
# an /init (tools/gcov-init.c) that prints the counters on the console;
# they are decoded next to the .gcno files and scripts/covreport.py reports
# the line and branch coverage of the lines the series adds or changes,
# with every line no test reaches and its reason (configs/coverage-reasons).
# Prints the table, writes it to build/cov/table.md and docs/COVERAGE.md.
# Not part of make test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
c=$top/build/cov
tree=$c/linux
o=$c/obj
t0=$SECONDS
fail() {
	echo "coverage: $*"
	exit 1
}
mkdir -p "$c"
export TREE=$tree
# COVERAGE_REPORT_ONLY=1: the report again from the last run's counters
# (after an edit of configs/coverage-reasons), without a build or a boot.
only=${COVERAGE_REPORT_ONLY:-}
if [ -n "$only" ]; then
	[ -f "$c/kunit.log" ] || fail "no earlier run to report on"
else
	scripts/tree.sh >/dev/null
fi
base=$(git -C "$tree" rev-list --max-parents=0 HEAD)
[ "$(git -C "$tree" rev-parse series-base)" = "$base" ] || fail "series-base is not the tree's root commit"

# The series' C files but its tests (those under a tests/ directory; xe
# includes some of them into the file they test, and gcov counts them
# apart).
mapfile -t srcs < <(git -C "$tree" diff --name-only "$base"..HEAD -- '*.c' | grep -Ev '(^|/)tests/' || true)
[ ${#srcs[@]} -gt 0 ] || fail "the series changes no C file"
prof=()
gcda=()
for s in "${srcs[@]}"; do
	prof+=("GCOV_PROFILE_$(basename "$s" .c).o=y")
	gcda+=("${s%.c}.gcda")
done

build_cmd="make -C linux O=obj ARCH=x86_64 bzImage ${prof[*]}"
if [ -z "$only" ]; then
scripts/kconfig.sh "$o" configs/base.config configs/main.config configs/coverage.config
grep -qx CONFIG_GCOV_KERNEL=y "$o/.config" || fail "CONFIG_GCOV_KERNEL did not stick"
# Counters of an earlier run must not be taken for this one's.
find "$o" -name '*.gcda' -delete
if ! kbuild "$tree" "$o" bzImage "${prof[@]}" > "$c/build.log" 2>&1; then
	tail -n 40 "$c/build.log"
	fail "build failed (log: ${c#"$top"/}/build.log)"
fi
# Each of them compiled with gcov's flags (the command-line variable reached
# Kbuild), and nothing else of the series.
for s in "${srcs[@]}"; do
	cmd=$o/$(dirname "$s")/.$(basename "$s" .c).o.cmd
	grep -q -- '-fprofile-arcs' "$cmd" 2>/dev/null || fail "$s was not built with gcov (${cmd#"$top"/})"
	[ -f "$o/${s%.c}.gcno" ] || fail "no ${s%.c}.gcno"
done
echo "coverage: built, ${#srcs[@]} files profiled ($((SECONDS - t0)) s)"
fi

# The /init that prints the counters after KUnit.
d=$c/initramfs.d
rm -rf "$d" && mkdir -p "$d/dev"
gcc -static -Os -Wall -Wextra -Werror -o "$d/init" "$top/tools/gcov-init.c"
mknod -m 600 "$d/dev/console" c 5 1
(cd "$d" && find . | cpio -o -H newc --quiet) > "$c/initramfs.cpio"

# Only the series' suites: kunit.filter_glob takes one glob, so one that
# matches their names (a bracket per position, up to the shortest name);
# the run must then hold exactly these suites.
mapfile -t suites < <(series_suites)
glob=$(printf '%s\n' "${suites[@]}" | python3 -c '
import sys
names = sys.stdin.read().split()
n = min(len(s) for s in names)
out = ""
for i in range(n):
    chars = sorted(set(s[i] for s in names))
    out += chars[0] if len(chars) == 1 else "[" + "".join(chars) + "]"
print(out + "*")')
log=$c/kunit.log
if [ -z "$only" ]; then
t1=$SECONDS
INITRD=$c/initramfs.cpio KUNIT_SHUTDOWN= QEMU_MEM=3072 QEMU_TIMEOUT=${QEMU_TIMEOUT:-1800} \
	scripts/qemu-kunit.sh "$o" "$log" "kunit.filter_glob=$glob" ||
	fail "the QEMU run failed (log: ${log#"$top"/})"
echo "coverage: KUnit and the counters' copy in QEMU ($((SECONDS - t1)) s), log in ${log#"$top"/}"
fi
scripts/ktap.py table "$log" "${suites[@]}" || fail "the series' suites did not all pass (log: ${log#"$top"/})"
ran=$(scripts/ktap.py table "$log" | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')
want=$(printf '%s\n' "${suites[@]}" | sort | tr '\n' ' ')
[ "$ran" = "$want" ] || fail "the run's suites ($ran) are not the series' ($want)"

python3 scripts/covreport.py decode "$log" "$o" "${gcda[@]}" || fail "the counters did not come out whole"

# gcov of the compiler that built the kernel.
ver=$(gcc -dumpversion)
gcov=$(command -v "gcov-${ver%%.*}" || command -v gcov) || fail "no gcov"
"$gcov" --version | head -1 | grep -q " ${ver%%.*}\." || fail "$gcov is not gcc ${ver}'s"
echo
python3 scripts/covreport.py report --tree "$tree" --base "$base" --obj "$o" --gcov "$gcov" \
	--reasons "$top/configs/coverage-reasons" --out "$c/table.md" --doc "$top/docs/COVERAGE.md" \
	--work "$c/gcov" \
	--kernel "$(git -C "$tree" log -1 --format=%s series-base | sed 's/^base: //')" \
	--compiler "$(gcc --version | head -1)" --gcov-version "$("$gcov" --version | head -1)" \
	--cmdline "kunit.filter_glob=$glob" --suites "${suites[*]}" --build-cmd "$build_cmd" \
	"${srcs[@]}" || fail "no report (see above)"
echo "coverage: done in $((SECONDS - t0)) s; table in ${c#"$top"/}/table.md and docs/COVERAGE.md"
