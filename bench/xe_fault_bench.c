// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * The cost of a GPU page fault with nothing pending, in a kernel with the
 * series and in 7.3's own: run by `make bench` only, not part of the patch
 * series. scripts/bench.sh includes this file from tests/xe_vm_kunit.c in
 * two trees: the series, and the base with only the series' KUnit seam
 * (the fault-mode VM without page tables, "drm/xe/tests: Add a fault-mode
 * VM without page tables for KUnit") applied, so that both kernels run the
 * same test code and differ only in the driver. It uses nothing else of
 * the series.
 *
 * A fault goes through xe's handler (xe_pagefault_service()), with real
 * SVM ranges and hmm_range_fault(); only the page table update is a KUnit
 * static stub that binds nothing, so the range never becomes valid and
 * every fault collects its pages again, in both kernels. The VM is bound
 * with MADVISE_AUTORESET, as Level Zero binds, and nothing is unmapped:
 * whatever the series adds to a fault that has no reset to run is what
 * the two medians differ by. The host script takes the medians from both
 * boots (under -icount, so that time is instruction counts) and prints
 * the ratio.
 */

#include <linux/mman.h>
#include <linux/sort.h>

#include <kunit/static_stub.h>

#include "tests/xe_kunit_helpers.h"
#include "tests/xe_pci_test.h"
#include "xe_pagefault.h"
#include "xe_pagefault_types.h"

#define FAULT_BENCH_REPS	2001
#define FAULT_BENCH_PAGES	16

static const struct xe_pci_fake_data fault_bench_lunarlake = {
	.platform = XE_LUNARLAKE,
	.subplatform = XE_SUBPLATFORM_NONE,
	.graphics_verx100 = 2004,
	.media_verx100 = 2000,
};

static int fault_bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Binding an SVM range minus the page tables, in both kernels. */
static struct dma_fence *fault_bench_rebind(struct xe_vm *vm, struct xe_vma *vma,
					    struct xe_svm_range *range, u8 tile_mask)
{
	return dma_fence_get_stub();
}

static int fault_bench_init(struct kunit *test)
{
	int err;

	test->priv = (void *)&fault_bench_lunarlake;
	err = xe_kunit_helper_xe_device_test_init(test);
	if (!err)
		err = xe_vm_kunit_device_init(test);
	if (err)
		return err;
	kunit_activate_static_stub(test, xe_vm_range_rebind, fault_bench_rebind);

	return kunit_attach_mm();
}

static void fault_bench_none_pending(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	u64 *t = kunit_kcalloc(test, FAULT_BENCH_REPS, sizeof(u64), GFP_KERNEL);
	struct xe_pagefault pf = {
		.gt = xe_device_get_root_tile(xe)->primary_gt,
		.consumer.access_type = XE_PAGEFAULT_ACCESS_TYPE_READ,
	};
	unsigned long base;
	struct xe_vm *vm;
	unsigned int i;
	u16 pat = 0;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, t);
	/* The PAT index that the autoreset tests bind with. */
	while (pat < xe->pat.n_entries &&
	       xe_pat_index_get_coh_mode(xe, pat) == XE_COH_NONE)
		pat++;
	KUNIT_ASSERT_LT(test, pat, xe->pat.n_entries);

	base = kunit_vm_mmap(test, NULL, 0, FAULT_BENCH_PAGES * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, base, 0);
	vm = xe_vm_kunit_create_fault_vm(xe);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm);
	err = xe_vm_kunit_publish(vm);
	if (!err) {
		err = xe_vm_kunit_bind(vm, DRM_XE_VM_BIND_OP_MAP, base,
				       FAULT_BENCH_PAGES * PAGE_SIZE,
				       DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR |
				       DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET, pat);
		if (err)
			xe_vm_kunit_unpublish(vm);
	}
	if (err)
		xe_vm_kunit_close_and_put(vm);
	KUNIT_ASSERT_EQ(test, err, 0);

	pf.consumer.asid = vm->usm.asid;
	pf.consumer.page_addr = base;
	/* The first fault sets up the SVM notifier; not timed. */
	err = xe_pagefault_service(&pf);
	for (i = 0; i < FAULT_BENCH_REPS && !err; i++) {
		u64 t0 = ktime_get_ns();

		err = xe_pagefault_service(&pf);
		t[i] = ktime_get_ns() - t0;
	}
	xe_vm_kunit_unpublish(vm);
	xe_vm_kunit_close_and_put(vm);
	KUNIT_ASSERT_EQ(test, err, 0);

	sort(t, FAULT_BENCH_REPS, sizeof(*t), fault_bench_cmp, NULL);
	kunit_info(test, "FAULTBENCH|%llu|%llu|%llu\n", t[FAULT_BENCH_REPS / 2],
		   t[FAULT_BENCH_REPS / 10], t[FAULT_BENCH_REPS * 9 / 10]);
}

static struct kunit_case fault_bench_cases[] = {
	KUNIT_CASE_SLOW(fault_bench_none_pending),
	{}
};

static struct kunit_suite fault_bench_suite = {
	.name = "xe_fault_bench",
	.init = fault_bench_init,
	.test_cases = fault_bench_cases,
};

kunit_test_suite(fault_bench_suite);
