// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * Benchmarks of the madvise autoreset, run by `make bench` only: this file
 * is not part of the patch series. scripts/bench.sh copies it next to
 * tests/xe_autoreset_kunit.c in a separate tree and includes it from there,
 * so it sees the same statics and helpers as the KUnit tests.
 *
 * Every figure is a ratio against a baseline measured in the same run, or a
 * count; times are medians of several repetitions with their spread. Each
 * result line starts with "BENCH|" for the host script to collect; a row
 * with a goal says whether it is met, a row without one gives the figure
 * only.
 *
 * The short figures (1 to 3) are judged by a median over repeats, each a
 * ratio of medians measured with the arms interleaved, and print the
 * spread of the repeats (min-max): a figure whose repeats straddle its goal
 * cannot be trusted either way.
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

/* A row without a goal: the figure, and no verdict. */
static void bench_fact(struct kunit *test, const char *figure, const char *what,
		       const char *value)
{
	kunit_info(test, "BENCH|%s|%s|%s|-|\n", figure, what, value);
}

/* x1000 ratios of @n repeats: their median, and min-max as the spread. */
struct bench_rep {
	u64 median;
	u64 min;
	u64 max;
};

static struct bench_rep bench_repeats(u64 *r, unsigned int n)
{
	struct bench_rep s;

	sort(r, n, sizeof(*r), bench_cmp_u64, NULL);
	s.median = r[n / 2];
	s.min = r[0];
	s.max = r[n - 1];
	return s;
}

/* "1.234 (N repeats 1.100-1.300" into @buf; the caller closes it. */
static void bench_rep_str(char *buf, size_t len, struct bench_rep s, unsigned int n)
{
	snprintf(buf, len, "%llu.%03llu (%u repeats %llu.%03llu-%llu.%03llu",
		 s.median / 1000, s.median % 1000, n, s.min / 1000, s.min % 1000,
		 s.max / 1000, s.max % 1000);
}

static u64 bench_x1000(u64 num, u64 den)
{
	return den ? div64_u64(num * 1000, den) : 0;
}

/*
 * A fixed piece of work that does not depend on any figure's N, timed next
 * to each sample of figures 2 and 3: how fast the emulated machine runs at
 * that moment, which drifts over a run under TCG.
 */
static u64 bench_ref(u8 *buf)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < 4; i++) {
		memset(buf, i, PAGE_SIZE);
		barrier_data(buf);
	}
	return ktime_get_ns() - t0;
}

static void bench_ratio(char *buf, size_t len, u64 num, u64 den)
{
	u64 r = bench_x1000(num, den);

	snprintf(buf, len, "%llu.%03llu", r / 1000, r % 1000);
}

/*
 * Unreclaimable slab bytes, per-cpu deltas folded in. The node counters of
 * byte items are kept in pages, the global one and the per-cpu deltas
 * alike (__mod_node_page_state() shifts the byte delta down by
 * PAGE_SHIFT): sum the pages, then convert.
 */
static s64 bench_slab_bytes(void)
{
	s64 pages = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	struct pglist_data *pgdat;
	int cpu;

	for_each_online_pgdat(pgdat)
		for_each_online_cpu(cpu)
			pages += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)->
				vm_node_stat_diff[NR_SLAB_UNRECLAIMABLE_B];
	return pages * PAGE_SIZE;
}

/*
 * What the notifiers of @vm and the exact extents pending take, in the
 * allocator's own sizes (kmem_cache_size(), ksize()). The caller holds the
 * VM's lock.
 */
static size_t __bench_record_bytes(struct xe_vm *vm, unsigned int *extents)
{
	struct xe_autoreset *ar = vm_autoreset(vm);
	struct xe_autoreset_notifier *n;
	struct xe_autoreset_extent *e;
	unsigned long index = 0;
	size_t bytes = 0;

	lockdep_assert_held(&vm->lock);
	*extents = 0;
	mt_for_each(&ar->tree, n, index, ULONG_MAX)
		bytes += kmem_cache_size(xe_autoreset_cache);
	spin_lock(&ar->pending_lock);
	list_for_each_entry(e, &ar->pending, link) {
		bytes += ksize(e);
		(*extents)++;
	}
	spin_unlock(&ar->pending_lock);

	return bytes;
}

static size_t bench_record_bytes(struct xe_vm *vm, unsigned int *extents)
{
	size_t bytes;

	down_read(&vm->lock);
	bytes = __bench_record_bytes(vm, extents);
	up_read(&vm->lock);

	return bytes;
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
		xe_vma_update_madv_armed(gpuva_to_vma(gpuva));
	}
	/* Under the VM's lock, as xe_autoreset_commit() requires. */
	xe_autoreset_commit(env->vm, &batch);
	up_write(&env->vm->lock);
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
		mod_delayed_work(env->xe->unordered_wq,
				 &vm_autoreset(env->vm)->work, 10 * HZ);
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
 * alternating order, so that what ran before each munmap is the same. Each
 * repeat uses two new VMs (new mappings, wherever they land), and the
 * figure is the median of the repeats' ratios of medians.
 */
#define BENCH_F1_REPEATS	9
#define BENCH_F1_ROUNDS		201

enum { F1_TRACKED, F1_BURST, F1_NOOP, F1_SERIES, F1_ROWS };

static void bench_munmap_tracked(struct kunit *test)
{
	const unsigned int reps = BENCH_F1_ROUNDS, nrep = BENCH_F1_REPEATS;
	static const char * const what[F1_ROWS] = {
		"munmap 64 KiB, tracked vs untracked",
		"the same, work already scheduled (within a burst)",
		"the same range under an interval notifier that does nothing (the floor)",
		"the series' cost above that floor: tracked vs no-op notifier",
	};
	u64 *tracked = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *plain = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *burst = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *noop = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 ratio[F1_ROWS][BENCH_F1_REPEATS], ns[F1_ROWS + 1][BENCH_F1_REPEATS];
	struct bench_rep rr[F1_ROWS], nsr[F1_ROWS + 1];
	char v[200], r[96];
	unsigned int i, k, rep;

	KUNIT_ASSERT_NOT_NULL(test, tracked);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_ASSERT_NOT_NULL(test, burst);
	KUNIT_ASSERT_NOT_NULL(test, noop);
	for (rep = 0; rep < nrep; rep++) {
		struct ar_env *on = ar_env_create(test, 16,
						  DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
		struct ar_env *off = ar_env_create(test, 16, 0);
		u64 a, b, c, d;

		for (i = 0; i < reps; i++) {
			if ((i + rep) & 1) {
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
		a = bench_stats(tracked, reps).median;
		b = bench_stats(plain, reps).median;
		c = bench_stats(burst, reps).median;
		d = bench_stats(noop, reps).median;
		ratio[F1_TRACKED][rep] = bench_x1000(a, b);
		ratio[F1_BURST][rep] = bench_x1000(c, b);
		ratio[F1_NOOP][rep] = bench_x1000(d, b);
		ratio[F1_SERIES][rep] = bench_x1000(a, d);
		ns[F1_TRACKED][rep] = a;
		ns[F1_BURST][rep] = c;
		ns[F1_NOOP][rep] = d;
		/* The series' own part, over the untracked munmap. */
		ns[F1_SERIES][rep] = a > d ? a - d : 0;
		ns[F1_ROWS][rep] = b;
	}
	for (k = 0; k < F1_ROWS; k++) {
		rr[k] = bench_repeats(ratio[k], nrep);
		nsr[k] = bench_repeats(ns[k], nrep);
	}
	nsr[F1_ROWS] = bench_repeats(ns[F1_ROWS], nrep);

	for (k = 0; k < F1_ROWS; k++) {
		bench_rep_str(r, sizeof(r), rr[k], nrep);
		if (k == F1_SERIES)
			snprintf(v, sizeof(v), "%s; +%llu ns, %llu.%03llu of the untracked munmap)",
				 r, nsr[k].median, bench_x1000(nsr[k].median, nsr[F1_ROWS].median) / 1000,
				 bench_x1000(nsr[k].median, nsr[F1_ROWS].median) % 1000);
		else
			snprintf(v, sizeof(v), "%s; %llu vs %llu ns)", r, nsr[k].median,
				 nsr[F1_ROWS].median);
		if (k == F1_TRACKED)
			bench_row(test, "1", what[k], v, "<= 1.10", rr[k].median <= 1100);
		else
			bench_fact(test, "1", what[k], v);
	}
}

/*
 * 2 and 3: munmap of unrelated memory, and the cost of arming one more
 * range by madvise, with N ranges tracked. N only grows, so the points are
 * measured one after the other: each sample is timed next to bench_ref(),
 * and a point is the median over blocks of median(sample) / median(ref),
 * against the same at the first point.
 */
#define BENCH_BLOCKS	5
#define BENCH_MUNMAPS	41	/* per block */
#define BENCH_ARMS	21	/* per block */

/*
 * The rows of figure 2 or 3: each point after @ref against point @ref, as
 * the median and spread of its blocks; the last point has the goal.
 */
static void bench_scaling_rows(struct kunit *test, const char *fig, const char *what,
			       u64 at[][BENCH_BLOCKS], const u64 *ns,
			       const unsigned int *points, unsigned int npoints,
			       unsigned int ref, const char *goal, u64 limit)
{
	u64 base = bench_repeats(at[ref], BENCH_BLOCKS).median;
	char v[160], r[96], name[96];
	unsigned int p, blk;

	for (p = ref + 1; p < npoints; p++) {
		u64 rel[BENCH_BLOCKS];
		struct bench_rep s;

		for (blk = 0; blk < BENCH_BLOCKS; blk++)
			rel[blk] = bench_x1000(at[p][blk], base);
		s = bench_repeats(rel, BENCH_BLOCKS);
		bench_rep_str(r, sizeof(r), s, BENCH_BLOCKS);
		snprintf(v, sizeof(v), "%s; %llu vs %llu ns)", r, ns[p], ns[ref]);
		snprintf(name, sizeof(name), "%s, N=%u vs N=%u", what, points[p], points[ref]);
		if (p == npoints - 1)
			bench_row(test, fig, name, v, goal, s.median <= limit);
		else
			bench_fact(test, fig, name, v);
	}
}

static void bench_scaling(struct kunit *test)
{
	static const unsigned int points[] = { 0, 100, 1000, 10000, 100000 };
	const unsigned int max = 100000, arms = BENCH_BLOCKS * BENCH_ARMS;
	struct ar_env *env = ar_env_create(test, 2 * max + 2 * arms * 5 + 2,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	u64 *t = kunit_kcalloc(test, BENCH_MUNMAPS, sizeof(u64), GFP_KERNEL);
	u64 *ref = kunit_kcalloc(test, BENCH_MUNMAPS, sizeof(u64), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	/* per point and block: median(sample) * 1000 / median(ref) */
	u64 munmap_at[ARRAY_SIZE(points)][BENCH_BLOCKS];
	u64 arm_at[ARRAY_SIZE(points)][BENCH_BLOCKS];
	u64 munmap_ns[ARRAY_SIZE(points)], arm_ns[ARRAY_SIZE(points)];
	unsigned int n = 0, p, i, blk, armed = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (p = 0; p < ARRAY_SIZE(points); p++) {
		u64 all_munmap[BENCH_BLOCKS], all_arm[BENCH_BLOCKS];

		/* Arm ranges [2k, 2k + 1) up to N. */
		for (; n < points[p]; n++)
			bench_arm(env, env->base + pg(2 * n), pg(1));
		/* Plus the ranges each earlier point armed by madvise. */
		KUNIT_ASSERT_EQ(test, ar_count_notifiers(env), points[p] + armed);

		for (blk = 0; blk < BENCH_BLOCKS; blk++) {
			for (i = 0; i < BENCH_MUNMAPS; i++) {
				unsigned long addr = vm_mmap(NULL, 0, pg(16),
							     PROT_READ | PROT_WRITE,
							     MAP_ANONYMOUS | MAP_PRIVATE, 0);

				t[i] = bench_time_munmap(addr, pg(16));
				ref[i] = bench_ref(buf);
			}
			all_munmap[blk] = bench_stats(t, BENCH_MUNMAPS).median;
			munmap_at[p][blk] = bench_x1000(all_munmap[blk],
							bench_stats(ref, BENCH_MUNMAPS).median);

			/* Arming one more range through the ioctl: a new one each time. */
			for (i = 0; i < BENCH_ARMS; i++) {
				u64 addr = env->base + pg(2 * max + 2 + 2 * armed++);
				u64 t0 = ktime_get_ns();

				KUNIT_ASSERT_EQ(test, ar_madvise(env, addr, pg(1),
								 DRM_XE_MEM_RANGE_ATTR_PAT,
								 env->pat_advise[i & 1]), 0);
				t[i] = ktime_get_ns() - t0;
				ref[i] = bench_ref(buf);
			}
			all_arm[blk] = bench_stats(t, BENCH_ARMS).median;
			arm_at[p][blk] = bench_x1000(all_arm[blk],
						     bench_stats(ref, BENCH_ARMS).median);
		}
		munmap_ns[p] = bench_stats(all_munmap, BENCH_BLOCKS).median;
		arm_ns[p] = bench_stats(all_arm, BENCH_BLOCKS).median;
	}

	bench_scaling_rows(test, "2", "munmap of unrelated memory", munmap_at, munmap_ns,
			   points, ARRAY_SIZE(points), 0, "<= 1.25", 1250);
	bench_scaling_rows(test, "3", "madvise arming one range", arm_at, arm_ns,
			   points, ARRAY_SIZE(points), 1, "<= 2.00", 2000);
}

/* 4: memory per tracked range, measured. */
static void bench_memory(struct kunit *test)
{
	const unsigned int n = 20000;
	struct ar_env *env = ar_env_create(test, 2 * n,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	s64 before, after;
	unsigned int i;
	char v[64];

	/* The VMA splits madvise does anyway, first. */
	down_write(&env->vm->lock);
	for (i = 0; i < n; i++)
		xe_vm_alloc_madvise_vma(env->vm, env->base + pg(2 * i), pg(1));
	up_write(&env->vm->lock);

	/* Registered as madvise does it: a notifier is kept for an armed VMA. */
	before = bench_slab_bytes();
	for (i = 0; i < n; i++)
		bench_arm(env, env->base + pg(2 * i), pg(1));
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
	bench_fact(test, "5", "munmap returned -> attributes reset, as a reader sees it (flush)", v);

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
	bench_fact(test, "5", "munmap returned -> attributes reset, no reader", v);

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
	bench_fact(test, "5", "reset throughput", v);
}

/* 6: a storm of unmaps while the worker is held off. */
static void bench_storm(struct kunit *test)
{
	const unsigned int ranges = 10000, events = 1000000;
	struct ar_env *env = ar_env_create(test, ranges,
					   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	unsigned int i, done = 0, ext_first = 0, ext_after;
	size_t rec_first = 0, rec_after;
	s64 before, first = 0, after;
	u64 t0;
	char v[192];

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
		if (done == ranges) {
			rec_first = __bench_record_bytes(env->vm, &ext_first);
			rcu_barrier();
			first = bench_slab_bytes();
		}
		/* Bound the time this takes under emulation. */
		if (!(i & 1023) && ktime_get_ns() - t0 > 240ull * NSEC_PER_SEC)
			break;
	}
	rec_after = __bench_record_bytes(env->vm, &ext_after);
	rcu_barrier();
	after = bench_slab_bytes();
	up_write(&env->vm->lock);
	xe_autoreset_flush(env->vm);
	ar_expect_default(env, 0, 1);

	KUNIT_ASSERT_GT(test, done, ranges);
	snprintf(v, sizeof(v), "record %zu bytes (%u extents) after the first %u events, %zu (%u) after %u; slab %+lld bytes over events %u-%u (%+lld over the first %u)",
		 rec_first, ext_first, ranges, rec_after, ext_after, done,
		 after - first, ranges, done, first - before, ranges);
	bench_row(test, "6", "memory while 1M unmap events are pending", v,
		  "no growth of the record", rec_after <= rec_first);
}

/*
 * Figure 7: a GPU page fault through xe's handler (xe_pagefault_service(),
 * with real SVM ranges and hmm_range_fault(); only the page table update
 * is the tests' static stub), with a reset pending against none pending.
 * The pending arm unmaps one advised page elsewhere in the VM right before
 * the fault, with the work item held off, so the fault runs that reset
 * (a split, then a lookup again) before it maps its own page. Both arms
 * fault on the same page, whose range is never valid (the stub binds
 * nothing), so each fault collects its pages again.
 */
/* A page table update that binds nothing: the range never becomes valid. */
static struct dma_fence *bench_bind_nothing(struct xe_vm *vm, struct xe_vma *vma,
					    struct xe_svm_range *range, u8 tile_mask)
{
	return dma_fence_get_stub();
}

static void bench_fault_path(struct kunit *test)
{
	const unsigned int reps = 1001;
	struct ar_env *env = ar_env_create_aligned(test, 64,
						   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET,
						   SZ_64K);
	u64 *pending = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	u64 *none = kunit_kcalloc(test, reps, sizeof(u64), GFP_KERNEL);
	struct bench_stat a, b;
	char v[96], r[32];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pending);
	KUNIT_ASSERT_NOT_NULL(test, none);
	kunit_activate_static_stub(test, xe_vm_range_rebind, bench_bind_nothing);
	ar_advise(env, 0, 64, 0);
	KUNIT_ASSERT_EQ(test, ar_gpu_fault(env, 0), 0);

	for (i = 0; i < reps; i++) {
		unsigned long addr;
		u64 t0;

		/* Map and advise page 48 again, then unmap it: one reset pending. */
		addr = vm_mmap(NULL, env->base + pg(48), pg(1), PROT_READ | PROT_WRITE,
			       MAP_FIXED | MAP_ANONYMOUS | MAP_PRIVATE, 0);
		KUNIT_ASSERT_EQ(test, addr, env->base + pg(48));
		ar_advise(env, 48, 49, i & 1);
		ar_hold_work(env);
		ar_munmap(env, 48, 49);

		t0 = ktime_get_ns();
		KUNIT_ASSERT_EQ(test, ar_gpu_fault(env, 0), 0);
		pending[i] = ktime_get_ns() - t0;
		KUNIT_ASSERT_TRUE(test, ar_pending_empty(env->vm));

		t0 = ktime_get_ns();
		KUNIT_ASSERT_EQ(test, ar_gpu_fault(env, 0), 0);
		none[i] = ktime_get_ns() - t0;
	}
	ar_expect_default(env, 48, 49);
	a = bench_stats(pending, reps);
	b = bench_stats(none, reps);
	bench_ratio(r, sizeof(r), a.median, b.median);
	snprintf(v, sizeof(v), "%s (%llu vs %llu ns, p10-p90 %llu-%llu vs %llu-%llu)",
		 r, a.median, b.median, a.lo, a.hi, b.lo, b.hi);
	bench_fact(test, "7", "GPU fault through the handler, a reset pending vs none", v);
}

/*
 * Figure 8: what the exact record costs while unmaps are pending: one
 * advised range (one notifier) with N disjoint single-page unmaps (every
 * other page), the work held off, so that each unmap is an extent of its
 * own. The bytes are the allocator's own sizes of what the record holds
 * (kmem_cache_size() of the notifier, ksize() of each extent), not a
 * difference of slab totals, which the VMAs that munmap frees through RCU
 * drown. The extents are freed when the worker resets them.
 */
static void bench_exact_record(struct kunit *test)
{
	static const unsigned int counts[] = { 0, 1, 64, 4096 };
	size_t bytes[ARRAY_SIZE(counts)];
	unsigned int k, i, ext;
	char v[160];
	u64 per;

	for (k = 0; k < ARRAY_SIZE(counts); k++) {
		unsigned int n = counts[k], pages = 2 * n + 2;
		struct ar_env *env = ar_env_create(test, pages,
						   DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);

		ar_advise(env, 0, pages, 0);
		KUNIT_ASSERT_EQ(test, ar_count_notifiers(env), 1);
		ar_hold_work(env);
		for (i = 0; i < n; i++)
			ar_munmap(env, 2 * i + 1, 2 * i + 2);
		bytes[k] = bench_record_bytes(env->vm, &ext);
		KUNIT_EXPECT_EQ(test, ext, n);
		KUNIT_EXPECT_EQ(test, ar_inexact_count(env), 0);

		xe_autoreset_flush(env->vm);
		KUNIT_EXPECT_EQ(test, bench_record_bytes(env->vm, &ext), bytes[0]);
		KUNIT_EXPECT_EQ(test, ext, 0);
		ar_expect_advised(env, 0, 1, 0);
		if (n) {
			ar_expect_default(env, 1, 2);
			ar_expect_advised(env, 2 * n, 2 * n + 1, 0);
		}
	}
	k = ARRAY_SIZE(counts) - 1;
	per = div_u64(bytes[k] - bytes[0], counts[k]);
	snprintf(v, sizeof(v), "%zu bytes + %llu per pending unmap (N = 0, 1, 64, 4096: %zu, %zu, %zu, %zu bytes)",
		 bytes[0], per, bytes[0], bytes[1], bytes[2], bytes[3]);
	bench_row(test, "8", "one range with N disjoint unmaps pending", v,
		  "<= 64 per unmap", per <= 64);
}

static struct kunit_case xe_autoreset_bench_cases[] = {
	KUNIT_CASE_SLOW(bench_munmap_tracked),
	KUNIT_CASE_SLOW(bench_scaling),
	KUNIT_CASE_SLOW(bench_memory),
	KUNIT_CASE_SLOW(bench_latency),
	KUNIT_CASE_SLOW(bench_storm),
	KUNIT_CASE_SLOW(bench_fault_path),
	KUNIT_CASE_SLOW(bench_exact_record),
	{}
};

static struct kunit_suite xe_autoreset_bench_suite = {
	.name = "xe_autoreset_bench",
	.init = ar_test_init,
	.test_cases = xe_autoreset_bench_cases,
};

kunit_test_suite(xe_autoreset_bench_suite);
