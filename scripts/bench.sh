#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the series plus bench/xe_autoreset_bench.c (not part of the
# series) in build/bench/linux, built without lock debugging, booted in
# QEMU; prints the table, writes it to build/bench/table.md and
# docs/BENCHMARKS.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
b=$top/build/bench
tree=$b/linux
o=$b/obj
t0=$SECONDS
mkdir -p "$b"
export TREE=$tree
scripts/tree.sh >/dev/null
cp "$top/bench/xe_autoreset_bench.c" "$tree/drivers/gpu/drm/xe/tests/"
printf '\n#include "tests/xe_autoreset_bench.c"\n' >> "$tree/drivers/gpu/drm/xe/tests/xe_autoreset_kunit.c"
scripts/kconfig.sh "$o" configs/base.config configs/main.config configs/bench.config
kbuild "$tree" "$o" bzImage
echo "bench: built ($((SECONDS - t0)) s)"
QEMU_MEM=4096 QEMU_TIMEOUT=900 scripts/qemu-kunit.sh "$o" "$b/bench.log" \
	"kunit.filter_glob=xe_autoreset_bench"
scripts/ktap.py table "$b/bench.log" xe_autoreset_bench || {
	echo "bench: the benchmark suite failed, see ${b#$top/}/bench.log"
	exit 1
}
echo "bench: wall-time run done ($((SECONDS - t0)) s)"
# The short figures again, with time from instruction counts (-icount:
# deterministic under TCG, no host noise; 2^shift ns per instruction, and
# no idle time counted).
QEMU_ARGS="-icount shift=${ICOUNT_SHIFT:-2},sleep=off" QEMU_MEM=4096 QEMU_TIMEOUT=900 \
	scripts/qemu-kunit.sh "$o" "$b/bench-icount.log" \
	"kunit.filter_glob=xe_autoreset_bench.bench_[ms][uc]*"
scripts/ktap.py table "$b/bench-icount.log" xe_autoreset_bench || {
	echo "bench: the -icount run failed, see ${b#$top/}/bench-icount.log"
	exit 1
}
echo "bench: -icount run done ($((SECONDS - t0)) s)"
python3 - "$b/bench.log" "$b/bench-icount.log" "$b/table.md" <<'PY'
import re, sys
def rows(path, tag=''):
    out = []
    for line in open(path, errors='replace'):
        m = re.search(r'BENCH\|(.*)$', line.rstrip('\r\n'))
        if m:
            r = m.group(1).split('|')
            r[1] += tag
            out.append(r)
    return out
wall = rows(sys.argv[1])
icount = rows(sys.argv[2], ' [-icount]')
# Each -icount row right after its wall-time row.
out = ['| figure | what | measured | goal | |', '| --- | --- | --- | --- | --- |']
for r in wall:
    out.append('| ' + ' | '.join(r) + ' |')
    for q in icount:
        if q[0] == r[0] and q[1] == r[1] + ' [-icount]':
            out.append('| ' + ' | '.join(q) + ' |')
open(sys.argv[3], 'w').write('\n'.join(out) + '\n')
print('\n'.join(out))
PY
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
qemu=$(qemu-system-x86_64 --version | head -1)
base=$(git -C "$tree" log -1 --format=%s series-base | sed 's/^base: //')
python3 - "$top/docs/BENCHMARKS.md" "$b/table.md" "$cpu" "$qemu" "$base" "$(nproc)" <<'PY'
import sys, datetime
doc, table, cpu, qemu, base, ncpu = sys.argv[1:]
t = open(table).read()
text = open(doc).read() if __import__('os').path.exists(doc) else ''
head, sep, _ = text.partition('<!-- table -->')
if not sep:
    head = '# Benchmarks\n\n'
gen = f"""<!-- table -->
Produced by `make bench` on {datetime.date.today()}: {ncpu} host cores
({cpu}), {qemu} (TCG), 2 guest CPUs, the series on {base}, built without
lock debugging. Every figure is a ratio against a baseline measured in the
same run, a count, or a duration; figures 1 to 3 are medians of repeats
with the repeats' min-max, and are given again from a second boot under
`-icount` (time from instruction counts). Rows without a goal give the
figure and no verdict.

{t}"""
open(doc, 'w').write(head + gen)
PY
echo "bench: done in $((SECONDS - t0)) s; table in ${b#$top/}/table.md and docs/BENCHMARKS.md"
