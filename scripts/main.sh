#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job (`make`): base kernel + series in build/linux, the main
# configuration built in build/kunit, booted in QEMU; prints the series'
# KUnit suites as a table. Fails if one of the series' suites fails or is
# missing, or if the run did not complete. It lists the log's splats by
# site but does not judge them: telling the series' splats from the base
# kernel's needs a run of the base, which `make test` does (check kunit).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
tree=$top/build/linux
o=$top/build/kunit
t0=$SECONDS

# Recreate the tree when it is missing, when KSRC asks for another base, or
# when series/ changed and the tree holds nothing that is not exported.
ensure_tree
echo "main: tree ready ($((SECONDS - t0)) s)"

t1=$SECONDS
scripts/kconfig.sh "$o" configs/base.config configs/main.config
if ! kbuild "$tree" "$o" bzImage > "$o/build.log" 2>&1; then
	tail -n 40 "$o/build.log"
	echo "main: build failed (log: ${o#$top/}/build.log)"
	exit 1
fi
grep -E 'warning:|error:' "$o/build.log" || true
echo "main: built ($((SECONDS - t1)) s)"

t2=$SECONDS
log=$o/kunit.log
scripts/qemu-kunit.sh "$o" "$log"
echo "main: KUnit in QEMU ($((SECONDS - t2)) s), log in ${log#$top/}"
echo
rc=0
mapfile -t suites < <(series_suites)
scripts/ktap.py table "$log" "${suites[@]}" || rc=1
total=$(scripts/ktap.py table "$log" | awk 'NR > 1 && $2 == "PASS" { p++ } NR > 1 && $2 == "FAIL" { f++ } END { printf "%d suites passed, %d failed", p, f }')
echo "all suites in the run: $total"
sigs=$(scripts/ktap.py splats "$log" | sort | uniq -c)
if [ -n "$sigs" ]; then
	echo "splats in the log, by site (not judged here: make test compares them with the base's):"
	echo "$sigs"
fi
echo "main: done in $((SECONDS - t0)) s"
exit $rc
