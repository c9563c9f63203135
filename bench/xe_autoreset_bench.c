// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * Benchmarks of the madvise autoreset, run by `make bench` only: this file
 * is not part of the patch series. scripts/bench.sh copies it next to
 * tests/xe_autoreset_kunit.c in a separate tree and includes it from there,
 * so it sees the same statics and helpers as the KUnit tests.
 *
 * Every figure is a ratio against a baseline measured in the same run, or a
 * count; times are medians of several repetitions with their spread. Each
 * result line starts with "BENCH|" for the host script to collect.
 */

#include <linux/sort.h>

#define BENCH_REPS	201

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

struct bench_stat {
	u64 median;
	u64 p99;
	u64 lo;		/* 10th percentile */
	u64 hi;		/* 90th percentile */
};

static struct bench_stat bench_stats(u64 *v, unsigned int n)
{
	struct bench_stat s;

	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	s.median = v[n / 2];
	s.p99 = v[min(n - 1, n * 99 / 100)];
	s.lo = v[n / 10];
	s.hi = v[n * 9 / 10];
	return s;
}

/* x1000 fixed point ratio, printed as N.NNN */
static void bench_row(struct kunit *test, const char *figure, const char *what,
		      const char *value, const char *goal, bool ok)
{
	kunit_info(test, "BENCH|%s|%s|%s|%s|%s\n", figure, what, value, goal,
		   ok ? "met" : "MISSED");
}

static void bench_ratio(char *buf, size_t len, u64 num, u64 den)
{
	u64 r = den ? div64_u64(num * 1000, den) : 0;

	snprintf(buf, len, "%llu.%03llu", r / 1000, r % 1000);
}

/* Exact unreclaimable slab bytes, per-cpu deltas folded in. */
static s64 bench_slab_bytes(void)
{
	s64 sum = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	struct pglist_data *pgdat;
	int cpu;

	sum *= PAGE_SIZE;
	for_each_online_pgdat(pgdat)
		for_each_online_cpu(cpu)
			sum += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)->
				vm_node_stat_diff[NR_SLAB_UNRECLAIMABLE_B];
	return sum;
}

/* Arm [start, start + len) without the ioctl: split, advise, register. */
static void bench_arm(struct ar_env *env, u64 start, u64 len)
{
	struct xe_autoreset_batch batch = {};
	struct drm_gpuva *gpuva;

	down_write(&env->vm->lock);
	xe_vm_alloc_madvise_vma(env->vm, start, len);
	xe_autoreset_prepare(env->vm, start, start + len, &batch);
	drm_gpuvm_for_each_va_range(gpuva, &env->vm->gpuvm, start, start + len) {
		gpuva_to_vma(gpuva)->attr.pat_index = env->pat_advise[0];
		xe_vma_update_cpu_autoreset(gpuva_to_vma(gpuva));
	}
	up_write(&env->vm->lock);
	xe_autoreset_commit(env->vm, &batch);
}

static u64 bench_time_munmap(unsigned long addr, u64 len)
{
	u64 t0 = ktime_get_ns();

	vm_munmap(addr, len);
	return ktime_get_ns() - t0;
}

static bool bench_noop_invalidate(struct mmu_interval_notifier *mni,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq)
{
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops bench_noop_ops = {
	.invalidate = bench_noop_invalidate,
};

enum bench_round { ROUND_PLAIN, ROUND_TRACKED, ROUND_BURST, ROUND_NOOP };

/*
 * One round of figure 1 in @env: map 64 KiB at its base, advise it through
 * the ioctl, time the munmap, run the reset. ROUND_BURST: the work is
 * scheduled already, as it is for every unmap of a burst but the first.
 * ROUND_NOOP: an interval notifier that does nothing covers the range,
 * which is what the MMU notifier core costs on its own.
 */
static u64 bench_munmap_round(struct kunit *test, struct ar_env *env,
			      unsigned int i, enum bench_round how)
{
	struct mmu_interval_notifier noop;
	unsigned long addr;
	u64 t;

	addr = vm_mmap(NULL, env->base, env->size, PROT_READ | PROT_WRITE,
		       MAP_FIXED | MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_EQ(test, addr, env->base);
	KUNIT_ASSERT_EQ(test, ar_madvise(env, env->base, env->size,
					 DRM_XE_MEM_RANGE_ATTR_PAT,
					 env->pat_advise[i & 1]), 0);
	if (how == ROUND_BURST)
		mod_delayed_work(system_dfl_wq, &vm_autoreset(env->vm)->work,
				 10 * HZ);
	if (how == ROUND_NOOP)
		KUNIT_ASSERT_EQ(test, mmu_interval_notifier_insert(&noop, current->mm,
								   env->base, env->size,
								   &bench_noop_ops), 0);
	t = bench_time_munmap(env->base, env->size);
	if (how == ROUND_NOOP)
		mmu_interval_notifier_remove(&noop);
	xe_autoreset_flush(env->vm);
	return t;
}

/*
 * 1: munmap of a tracked CPU-only range vs the same size untracked. Both
 * go through the same steps, in VMs bound with and without autoreset, in
 * alternating order, so that what ran before each munmap is the same.
 */
static void bench_munmap_tracked(struct kunit *test)
{
	struct ar_env *on = ar_env_create(test, 16,
					  DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	struct ar_env *off = ar_env_create(test, 16, 0);
	const unsigned int reps = 1001;
	u64 *tracked = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *plain = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *burst = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *noop = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	struct bench_stat a, b, c, d;
	char v[160], r[32];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, tracked);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_ASSERT_NOT_NULL(test, burst);
	KUNIT_ASSERT_NOT_NULL(test, noop);
	for (i = 0; i < reps; i++) {
		if (i & 1) {
			plain[i] = bench_munmap_round(test, off, i, ROUND_PLAIN);
			noop[i] = bench_munmap_round(test, off, i, ROUND_NOOP);
			tracked[i] = bench_munmap_round(test, on, i, ROUND_TRACKED);
			burst[i] = bench_munmap_round(test, on, i, ROUND_BURST);
		} else {
			burst[i] = bench_munmap_round(test, on, i, ROUND_BURST);
			tracked[i] = bench_munmap_round(test, on, i, ROUND_TRACKED);
			noop[i] = bench_munmap_round(test, off, i, ROUND_NOOP);
			plain[i] = bench_munmap_round(test, off, i, ROUND_PLAIN);
		}
	}
	ar_expect_default(on, 0, 16);
	KUNIT_EXPECT_EQ(test, ar_count_notifiers(on), 0);
	KUNIT_EXPECT_EQ(test, vm_autoreset(on->vm)->stats.retired, 2 * reps);
	a = bench_stats(tracked, reps);
	b = bench_stats(plain, reps);
	c = bench_stats(burst, reps);
	d = bench_stats(noop, reps);
	bench_ratio(r, sizeof(r), a.median, b.median);
	snprintf(v, sizeof(v), "%s (%llu vs %llu ns, p10-p90 %llu-%llu)", r,
		 a.median, b.median, a.lo, a.hi);
	bench_row(test, "1", "munmap 64 KiB, tracked vs untracked", v, "<= 1.10",
		  a.median * 100 <= b.median * 110);
	bench_ratio(r, sizeof(r), c.median, b.median);
	snprintf(v, sizeof(v), "%s (%llu vs %llu ns, p10-p90 %llu-%llu)", r,
		 c.median, b.median, c.lo, c.hi);
	bench_row(test, "1", "the same, work already scheduled (within a burst)", v, "-", true);
	bench_ratio(r, sizeof(r), d.median, b.median);
	snprintf(v, sizeof(v), "%s (%llu vs %llu ns, p10-p90 %llu-%llu)", r,
		 d.median, b.median, d.lo, d.hi);
	bench_row(test, "1", "the same range under an interval notifier that does nothing",
		  v, "-", true);
}

/*
 * 2 and 3: munmap of unrelated memory, and the cost of arming one more
 * range by madvise, with N ranges tracked.
 */
static void bench_scaling(struct kunit *test)
{
	static const unsigned int points[] = { 0, 100, 1000, 10000, 100000 };
	const unsigned int max = 100000;
	struct ar_env *env = ar_env_create(test, 2 * max + 2 * 51 * 5 + 2,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	u64 *t = kunit_kcalloc(test, BENCH_REPS, sizeof(u64), GFP_KERNEL);
	u64 munmap_at[ARRAY_SIZE(points)] = {}, arm_at[ARRAY_SIZE(points)] = {};
	unsigned int n = 0, p, i;
	char v[96], r[32];

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (p = 0; p < ARRAY_SIZE(points); p++) {
		/* Arm ranges [2k, 2k + 1) up to N. */
		for (; n < points[p]; n++)
			bench_arm(env, env->base + pg(2 * n), pg(1));
		/* Plus the 51 ranges each earlier point armed by madvise. */
		KUNIT_ASSERT_EQ(test, ar_count_notifiers(env), points[p] + 51 * p);

		for (i = 0; i < BENCH_REPS; i++) {
			unsigned long addr = vm_mmap(NULL, 0, pg(16),
						     PROT_READ | PROT_WRITE,
						     MAP_ANONYMOUS | MAP_PRIVATE, 0);

			t[i] = bench_time_munmap(addr, pg(16));
		}
		munmap_at[p] = bench_stats(t, BENCH_REPS).median;

		/* Arming one more range through the ioctl: a new one each time. */
		for (i = 0; i < 51; i++) {
			u64 addr = env->base + pg(2 * max + 2 + 2 * (51 * p + i));
			u64 t0 = ktime_get_ns();

			KUNIT_ASSERT_EQ(test, ar_madvise(env, addr, pg(1),
							 DRM_XE_MEM_RANGE_ATTR_PAT,
							 env->pat_advise[i & 1]), 0);
			t[i] = ktime_get_ns() - t0;
		}
		arm_at[p] = bench_stats(t, 51).median;
	}

	for (p = 1; p < ARRAY_SIZE(points); p++) {
		bench_ratio(r, sizeof(r), munmap_at[p], munmap_at[0]);
		snprintf(v, sizeof(v), "%s (%llu vs %llu ns)", r, munmap_at[p],
			 munmap_at[0]);
		snprintf(r, sizeof(r), "N=%u", points[p]);
		kunit_info(test, "BENCH|2|munmap of unrelated memory, %s vs N=0|%s|%s|%s\n",
			   r, v, points[p] == max ? "<= 1.25" : "-",
			   points[p] != max || munmap_at[p] * 100 <= munmap_at[0] * 125 ?
			   "met" : "MISSED");
	}
	for (p = 2; p < ARRAY_SIZE(points); p++) {
		bench_ratio(r, sizeof(r), arm_at[p], arm_at[1]);
		snprintf(v, sizeof(v), "%s (%llu vs %llu ns)", r, arm_at[p], arm_at[1]);
		kunit_info(test, "BENCH|3|madvise arming one range, N=%u vs N=100|%s|%s|%s\n",
			   points[p], v, points[p] == max ? "<= 2.00" : "-",
			   points[p] != max || arm_at[p] <= 2 * arm_at[1] ? "met" : "MISSED");
	}
}

/* 4: memory per tracked range, measured. */
static void bench_memory(struct kunit *test)
{
	const unsigned int n = 20000;
	struct ar_env *env = ar_env_create(test, 2 * n,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	struct xe_autoreset_batch batch = {};
	s64 before, after;
	unsigned int i;
	char v[64];

	/* The VMA splits madvise does anyway, first. */
	down_write(&env->vm->lock);
	for (i = 0; i < n; i++)
		xe_vm_alloc_madvise_vma(env->vm, env->base + pg(2 * i), pg(1));
	up_write(&env->vm->lock);

	before = bench_slab_bytes();
	for (i = 0; i < n; i++) {
		u64 s = env->base + pg(2 * i);

		down_write(&env->vm->lock);
		xe_autoreset_prepare(env->vm, s, s + pg(1), &batch);
		up_write(&env->vm->lock);
		xe_autoreset_commit(env->vm, &batch);
	}
	after = bench_slab_bytes();
	KUNIT_EXPECT_EQ(test, ar_count_notifiers(env), n);
	snprintf(v, sizeof(v), "%lld bytes (%u ranges, slab + maple nodes)",
		 div_s64(after - before, n), n);
	bench_row(test, "4", "memory per tracked range", v, "<= 256",
		  after - before <= 256LL * n);
}

/* Map one page at the base of @env, arm it and unmap it. */
static void bench_arm_and_unmap(struct kunit *test, struct ar_env *env)
{
	unsigned long addr = vm_mmap(NULL, env->base, pg(1), PROT_READ | PROT_WRITE,
				     MAP_FIXED | MAP_ANONYMOUS | MAP_PRIVATE, 0);

	KUNIT_ASSERT_EQ(test, addr, env->base);
	bench_arm(env, env->base, pg(1));
	vm_munmap(env->base, pg(1));
}

/* 5: latency from munmap returning to the reset done, and resets/s. */
static void bench_latency(struct kunit *test)
{
	const unsigned int many = 1000;
	struct ar_env *env = ar_env_create(test, 2 * many,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	u64 *t = kunit_kcalloc(test, BENCH_REPS, sizeof(u64), GFP_KERNEL);
	struct bench_stat s;
	unsigned int i;
	u64 t0, dt;
	char v[80];

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < BENCH_REPS; i++) {
		bench_arm_and_unmap(test, env);
		t0 = ktime_get_ns();
		xe_autoreset_flush(env->vm);
		t[i] = ktime_get_ns() - t0;
	}
	s = bench_stats(t, BENCH_REPS);
	snprintf(v, sizeof(v), "median %llu us, p99 %llu us", div_u64(s.median, 1000),
		 div_u64(s.p99, 1000));
	bench_row(test, "5", "munmap returned -> attributes reset, as a reader sees it (flush)",
		  v, "report", true);

	/* Nobody asks: the work runs on its own after its delay. */
	for (i = 0; i < 51; i++) {
		bench_arm_and_unmap(test, env);
		t0 = ktime_get_ns();
		while (work_busy(&vm_autoreset(env->vm)->work.work))
			usleep_range(20, 40);
		t[i] = ktime_get_ns() - t0;
		ar_expect_default(env, 0, 1);
	}
	s = bench_stats(t, 51);
	snprintf(v, sizeof(v), "median %llu us, p99 %llu us (HZ=%d)", div_u64(s.median, 1000),
		 div_u64(s.p99, 1000), HZ);
	bench_row(test, "5", "munmap returned -> attributes reset, no reader", v, "report", true);

	KUNIT_ASSERT_EQ(test, vm_munmap(env->base, env->size), 0);
	KUNIT_ASSERT_EQ(test, vm_mmap(NULL, env->base, env->size, PROT_READ | PROT_WRITE,
				      MAP_FIXED | MAP_ANONYMOUS | MAP_PRIVATE, 0),
			env->base);
	for (i = 0; i < many; i++)
		bench_arm(env, env->base + pg(2 * i), pg(1));
	t0 = ktime_get_ns();
	vm_munmap(env->base, env->size);
	xe_autoreset_flush(env->vm);
	dt = ktime_get_ns() - t0;
	ar_expect_default(env, 0, 2);
	ar_expect_default(env, 2 * many - 2, 2 * many);
	snprintf(v, sizeof(v), "%llu resets/s (%u ranges in one munmap)",
		 div64_u64((u64)many * NSEC_PER_SEC, max_t(u64, dt, 1)), many);
	bench_row(test, "5", "reset throughput", v, "report", true);
}

/* 6: a storm of unmaps while the worker is held off. */
static void bench_storm(struct kunit *test)
{
	const unsigned int ranges = 10000, events = 1000000;
	struct ar_env *env = ar_env_create(test, ranges,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	unsigned int i, done = 0;
	s64 before, first = 0, after;
	u64 t0;
	char v[96];

	for (i = 0; i < ranges; i++)
		bench_arm(env, env->base + pg(i), pg(1));

	down_write(&env->vm->lock);	/* the worker waits */
	before = bench_slab_bytes();
	t0 = ktime_get_ns();
	for (i = 0; i < events; i++) {
		u64 addr = env->base + pg(i % ranges);

		if (vm_mmap(NULL, addr, pg(1), PROT_READ | PROT_WRITE,
			    MAP_FIXED | MAP_ANONYMOUS | MAP_PRIVATE, 0) != addr)
			break;
		if (vm_munmap(addr, pg(1)))
			break;
		done++;
		/* After one round every range is pending at least once. */
		if (done == ranges)
			first = bench_slab_bytes();
		/* Bound the time this takes under emulation. */
		if (!(i & 1023) && ktime_get_ns() - t0 > 240ull * NSEC_PER_SEC)
			break;
	}
	after = bench_slab_bytes();
	up_write(&env->vm->lock);
	xe_autoreset_flush(env->vm);
	ar_expect_default(env, 0, 1);

	KUNIT_ASSERT_GT(test, done, ranges);
	snprintf(v, sizeof(v), "%+lld bytes over events %u-%u (%+lld over the first %u)",
		 after - first, ranges, done, first - before, ranges);
	bench_row(test, "6", "slab memory while 1M unmap events are pending", v,
		  "no growth", after - first < 64 * 1024);
}

/*
 * 7: the part of the GPU fault path the series changes, on an armed range
 * vs an unarmed one: the autoreset run at fault entry and the hand-off.
 */
static void bench_fault_handoff(struct kunit *test)
{
	const unsigned int reps = 20001;
	struct ar_env *env = ar_env_create(test, 4,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	u64 *armed = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *plain = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	struct bench_stat a, b;
	char v[80], r[32];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, armed);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	bench_arm(env, env->base, pg(2));

	for (i = 0; i < reps; i++) {
		struct xe_vma *vma;
		u64 t0;

		down_write(&env->vm->lock);
		t0 = ktime_get_ns();
		vma = xe_vm_find_vma_by_addr(env->vm, env->base);
		xe_autoreset_run(env->vm);
		xe_vma_gpu_touched(vma);
		armed[i] = ktime_get_ns() - t0;
		vma->gpuva.flags |= XE_VMA_CPU_AUTORESET;

		t0 = ktime_get_ns();
		vma = xe_vm_find_vma_by_addr(env->vm, env->base + pg(2));
		xe_autoreset_run(env->vm);
		xe_vma_gpu_touched(vma);
		plain[i] = ktime_get_ns() - t0;
		up_write(&env->vm->lock);
	}
	a = bench_stats(armed, reps);
	b = bench_stats(plain, reps);
	bench_ratio(r, sizeof(r), a.median, b.median);
	snprintf(v, sizeof(v), "%s (%llu vs %llu ns)", r, a.median, b.median);
	bench_row(test, "7", "fault path hand-off, armed vs unarmed", v, "<= 1.05",
		  a.median * 100 <= b.median * 105);
}

static struct kunit_case xe_autoreset_bench_cases[] = {
	KUNIT_CASE_SLOW(bench_munmap_tracked),
	KUNIT_CASE_SLOW(bench_scaling),
	KUNIT_CASE_SLOW(bench_memory),
	KUNIT_CASE_SLOW(bench_latency),
	KUNIT_CASE_SLOW(bench_storm),
	KUNIT_CASE_SLOW(bench_fault_handoff),
	{}
};

static struct kunit_suite xe_autoreset_bench_suite = {
	.name = "xe_autoreset_bench",
	.init = ar_test_init,
	.test_cases = xe_autoreset_bench_cases,
};

kunit_test_suite(xe_autoreset_bench_suite);
