# SPDX-License-Identifier: GPL-2.0
#
# make         apply the series to the base kernel, build it, boot it in
#              QEMU and print the series' KUnit results
# make test    everything CI checks; ends with "N passed, N failed"
# make tree    (re)create build/linux from the base and series/
# make export  write build/linux's commits back into series/
# make bench   the benchmark table (docs/BENCHMARKS.md)
# make coverage  gcov of the lines the series adds, from its KUnit suites in
#              QEMU (docs/COVERAGE.md); not part of make test
# make mutate  apply each mutation of tests/mutations, rebuild, boot the
#              series' suites: caught or missed (docs/MUTATIONS.md)
# make series  one addressed mbox per series (build/DIR-vN.mbox), signed
#              by git config user.name/email; DRY_RUN=1 for a placeholder
# make bump    start the next version (series/VERSION, vN: change logs)
# make igt     the IGT series (igt/): apply, build, list, skip check, checkpatch
#
# KSRC=/path/to/linux uses that tree as the base instead of Debian's
# linux-source-7.3.

SHELL := /bin/bash
export KSRC
# Debian's python3 (with the modules deps.sh installs) before any other.
export PATH := /usr/bin:$(PATH)

.PHONY: all kunit deps tree export test bench coverage mutate series bump igt clean distclean
all: kunit

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh

export:
	@scripts/export.sh

kunit: deps
	@scripts/main.sh

test: deps
	@scripts/test.sh

bench: deps
	@scripts/bench.sh

coverage: deps
	@scripts/coverage.sh

mutate: deps
	@scripts/mutate.sh

series: deps
	@scripts/mbox.sh

bump:
	@scripts/bump.sh

igt: deps
	@scripts/igt.sh

clean:
	rm -rf build

distclean: clean
	rm -rf cache
