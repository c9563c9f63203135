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
# The fault bench goes into both kernels, next to the KUnit VM (figure 9).
add_fault_bench() {
	cp "$top/bench/xe_fault_bench.c" "$1/drivers/gpu/drm/xe/tests/"
	printf '\n#include "tests/xe_fault_bench.c"\n' >> "$1/drivers/gpu/drm/xe/tests/xe_vm_kunit.c"
}
add_fault_bench "$tree"
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
# Figure 9: a GPU fault with nothing pending, in this kernel and in the
# base with only the series' KUnit seam (the patch that adds
# tests/xe_vm_kunit.c), both under -icount.
icount_fault() {
	QEMU_ARGS="-icount shift=${ICOUNT_SHIFT:-2},sleep=off" QEMU_MEM=4096 QEMU_TIMEOUT=900 \
		scripts/qemu-kunit.sh "$1" "$2" "kunit.filter_glob=xe_fault_bench"
	scripts/ktap.py table "$2" xe_fault_bench >/dev/null || {
		echo "bench: the fault bench failed, see ${2#$top/}"
		exit 1
	}
}
icount_fault "$o" "$b/fault-series.log"
seam=$(grep -l '^+++ b/drivers/gpu/drm/xe/tests/xe_vm_kunit.c' "$top"/series/*/0*.patch)
[ "$(echo "$seam" | wc -l)" = 1 ] || { echo "bench: no single patch adds tests/xe_vm_kunit.c"; exit 1; }
bt=$b/base-linux
ob=$b/obj-base
rm -rf "$bt"
git clone -q "$tree" "$bt"
git -C "$bt" checkout -q series-base
git -C "$bt" apply -3 "$seam"
add_fault_bench "$bt"
scripts/kconfig.sh "$ob" configs/base.config configs/main.config configs/bench.config
kbuild "$bt" "$ob" bzImage
echo "bench: base with $(basename "$seam") built ($((SECONDS - t0)) s)"
icount_fault "$ob" "$b/fault-base.log"
echo "bench: fault runs done ($((SECONDS - t0)) s)"
python3 - "$b/bench.log" "$b/bench-icount.log" "$b/table.md" "$b/fault-series.log" "$b/fault-base.log" <<'PY'
import re, sys
def fault(path):
    for line in open(path, errors='replace'):
        m = re.search(r'FAULTBENCH\|(\d+)\|(\d+)\|(\d+)', line)
        if m:
            return [int(x) for x in m.groups()]
    sys.exit(f'bench: no FAULTBENCH line in {path}')
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
ser, base = fault(sys.argv[4]), fault(sys.argv[5])
ratio = ser[0] / base[0]
out.append(f'| 9 | GPU fault with nothing pending, this series against 7.3\'s handler [-icount] '
           f'| {ratio:.3f} ({ser[0]} vs {base[0]} ns, p10-p90 {ser[1]}-{ser[2]} vs {base[1]}-{base[2]}) '
           f'| <= 1.05 | {"met" if ratio <= 1.05 else "MISSED"} |')
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
