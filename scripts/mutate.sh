#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mutate: apply each mutation of tests/mutations (a plausible bug in
# what the series adds) to its own copy of the series tree
# (build/mutate/linux), rebuild, boot the series' suites the mutation's
# code runs in, and say whether the suites caught it: a case failed or did
# not run, a splat the unmutated run does not have, lockdep turned off, or
# a run that did not complete. Writes docs/MUTATIONS.md. Fails unless every
# mutation was caught or is listed as equivalent.
#
# MUTATE_ONLY=ID,ID,... runs only those and keeps the other results of the
# last run (build/mutate/results); the table then says which were run
# again, on which commit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
m=$top/build/mutate
tree=$m/linux
o=$m/obj
list=$top/tests/mutations
res=$m/results
t0=$SECONDS
mkdir -p "$m"
export TREE=$tree
scripts/tree.sh >/dev/null
python3 scripts/mutate.py check "$list" "$tree"
scripts/kconfig.sh "$o" configs/base.config configs/main.config configs/mutate.config

restore() { git -C "$tree" checkout -q -- . ; }
trap restore EXIT

build() {
	kbuild "$tree" "$o" bzImage > "$m/build.log" 2>&1
}

# judge LOG GLOB BASESIGS: empty output if the run passed, else why not.
judge() {
	local log=$1 glob=$2 sigs=$3 suites=() s
	mapfile -t suites < <(series_suites)
	local want=()
	for s in "${suites[@]}"; do
		# shellcheck disable=SC2053
		[[ $s == $glob ]] && want+=("$s")
	done
	scripts/ktap.py complete "$log" > /dev/null || { echo "run did not complete"; return; }
	{
		scripts/ktap.py cases "$log" debug-kunit configs/series-cases "${want[@]}" |
			grep -v '^info:' | sed -e 's/^case //' | sed -n 1,3p || true
		scripts/ktap.py newsplats "$log" "$sigs" | sed -n 's/^/splat: /;1,2p' || true
		scripts/ktap.py lockdep "$log" > /dev/null || echo "lockdep turned off"
	} | grep -v '^[[:space:]]*$' | paste -sd ';' || true
}

# boot GLOB LOG
boot() {
	QEMU_TIMEOUT=${MUTATE_TIMEOUT:-150} scripts/qemu-kunit.sh "$o" "$2" \
		"kunit.filter_glob=$1 hung_task_timeout_secs=30 sysctl.kernel.hung_task_panic=1" || true
}

restore
build || { tail -n 30 "$m/build.log"; echo "mutate: the unmutated tree does not build"; exit 1; }
echo "mutate: built ($((SECONDS - t0)) s)"
globs=$(python3 scripts/mutate.py ids "$list" | awk '{ print $3 }' | sort -u)
for g in $globs; do
	f=$m/base-${g//[^a-z_]/}.log
	boot "$g" "$f"
	scripts/ktap.py splats "$f" | sort -u > "$f.sigs"
	why=$(judge "$f" "$g" "$f.sigs")
	if [ -n "$why" ]; then
		echo "mutate: the unmutated run of $g fails: $why (log: ${f#$top/})"
		exit 1
	fi
done
echo "mutate: unmutated runs pass ($((SECONDS - t0)) s)"

if [ -n "${MUTATE_ONLY:-}" ] && [ -f "$res" ]; then
	# Keep the last run's results of the others.
	awk -F '\t' -v only="$MUTATE_ONLY" \
		'BEGIN { n = split(only, a, ","); for (i = 1; i <= n; i++) skip[a[i]] = 1 }
		 !($1 in skip)' "$res" > "$res.keep"
	mv "$res.keep" "$res"
else
	: > "$res"
fi
python3 scripts/mutate.py ids "$list" "${MUTATE_ONLY:-}" | while read -r id file glob; do
	t1=$SECONDS
	restore
	python3 scripts/mutate.py apply "$list" "$id" "$tree"
	log=$m/$id.log
	if ! build; then
		grep -m 3 'error:' "$m/build.log" | sed 's/^/  /'
		printf '%s\tinvalid\tdoes not build\n' "$id" >> "$res"
		echo "mutate: $id: INVALID (does not build)"
		continue
	fi
	boot "$glob" "$log"
	why=$(judge "$log" "$glob" "$m/base-${glob//[^a-z_]/}.log.sigs")
	if [ -n "$why" ]; then
		printf '%s\tcaught\t%s\n' "$id" "$why" >> "$res"
		echo "mutate: $id: caught ($((SECONDS - t1)) s): $why"
	else
		printf '%s\tmissed\t\n' "$id" >> "$res"
		echo "mutate: $id: MISSED ($((SECONDS - t1)) s)"
	fi
done
restore
# The unmutated objects again, so that a later run starts from them.
build || true

rc=0
python3 scripts/mutate.py table "$list" "$res" "$m/table.md" || rc=1
{
	echo "# Mutation testing"
	echo
	echo "Written by \`make mutate\` (scripts/mutate.sh) on $(date -u +%Y-%m-%d), $(cat "$top/cache/linux-source/VERSION" 2>/dev/null || echo "base: ${KSRC:-unknown}"),"
	echo "configuration: configs/base.config + main.config + mutate.config (lockdep, slab"
	echo "fault injection, work and timer object debugging; no KASAN)."
	echo
	echo "Each mutation of [tests/mutations](../tests/mutations) is a plausible one-line"
	echo "bug in what the series adds. It is applied alone to a copy of the series tree,"
	echo "the kernel rebuilt, and the series' suites that run that code booted in QEMU."
	echo "It is caught when a case fails or does not run, a splat appears that the"
	echo "unmutated run does not have, lockdep turns off, or the run does not complete."
	echo "\"caught by\" names what went red first."
	if [ -n "${MUTATE_ONLY:-}" ]; then
		echo
		echo "This table merges a run of only \`${MUTATE_ONLY//,/, }\` (series at"
		echo "$(git -C "$top" rev-parse --short HEAD)) into the results of the runs before it"
		echo "(build/mutate/results), each from a run of the series as it was then."
	fi
	echo
	cat "$m/table.md"
	echo
	echo "Run time: $((SECONDS - t0)) s."
} > "$top/docs/MUTATIONS.md"
echo "mutate: docs/MUTATIONS.md written ($((SECONDS - t0)) s)"
exit $rc
