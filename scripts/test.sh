#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI checks (`make test`). Works on series/ as committed, in its
# own tree (build/test/linux) and build directories, so a developer's
# build/linux is never touched. Each check is reported by name with its
# time; the last line is "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
w=$top/build/test
tree=$w/linux
# Every script called from here works on the test tree, never build/linux.
export TREE=$tree
logs=$w/logs
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0
t_all=$SECONDS
declare -A result

# check NAME CMD...: run CMD, log to logs/NAME.log, report.
check() {
	local name=$1 t=$SECONDS rc
	shift
	echo "---- $name"
	"$@" > "$logs/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		result[$name]=pass
		printf 'PASS %-28s %5d s\n' "$name" $((SECONDS - t))
		grep '^info:' "$logs/$name.log" | sed 's/^info:/     /' || true
	else
		failed=$((failed + 1))
		result[$name]=fail
		printf 'FAIL %-28s %5d s   (log: %s)\n' "$name" $((SECONDS - t)) "${logs#$top/}/$name.log"
		tail -n 25 "$logs/$name.log" | sed 's/^/     | /'
	fi
	return $rc
}

# skip NAME WHY: a check that cannot run because an earlier one failed.
skipped() {
	failed=$((failed + 1))
	printf 'FAIL %-28s         (not run: %s)\n' "$1" "$2"
}

source "$top/scripts/checks.sh"

run_checks

echo
echo "total $((SECONDS - t_all)) s"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
