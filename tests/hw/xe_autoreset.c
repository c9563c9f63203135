// SPDX-License-Identifier: MIT
/*
 * xe_autoreset - hardware test for DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET.
 *
 * A CPU-address-mirror range bound with DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET
 * must drop the attributes set with DRM_IOCTL_XE_MADVISE for exactly the
 * part of the range whose CPU mapping goes away (munmap(2), brk(2),
 * mremap(2) moving it elsewhere), back to the values present right after
 * the bind. The subtests below each exercise one way of unmapping and map
 * one-to-one onto future IGT subtests. See README.md for what each proves.
 *
 * Every subtest opens its own file descriptor and fault-mode VM. Except
 * for brk-shrink (which binds the heap, see there), it reserves a 256 MiB
 * aligned, PROT_NONE window of CPU address space and binds it as CPU
 * address mirror (GPU VA == CPU VA). Test memory is mmap()ed over parts of
 * the reservation with MAP_FIXED, and attributes are checked with
 * DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS.
 *
 * Output: one "SUBTEST <name>: SUCCESS|FAIL (<reason>)|SKIP (<reason>)"
 * line per subtest and a final "N passed, N failed, N skipped" line.
 * Exit status: 0 all run subtests passed, 1 any failure, 77 all skipped.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gpu_cmds.h"
#include "xe_uapi.h"

#define EXIT_SKIP		77
#define MAX_DEVICES		16

/* Layout of the CPU-address-mirror window used by most subtests. */
#define WINDOW_SIZE		SZ_256M
#define CHUNK			SZ_2M		/* unit of test memory */
#define AUX_OFF			0		/* helper area: batch, fences */
#define AUX_SIZE		SZ_64K
#define TEST_OFF		(16 * SZ_1M)	/* test memory starts here */
#define FAR_OFF			(128 * SZ_1M)	/* mremap() destination */
#define SETTLE_SIZE		SZ_64K		/* last 64K of any binding */

/* Offsets inside the aux area. */
#define AUX_FENCE		0x0000		/* u64 exec user fence */
#define AUX_STARTED		0x0100		/* u32 written by the batch */
#define AUX_SEM			0x0200		/* u32 semaphore for the batch */
#define AUX_BATCH		0x1000		/* batch buffer */
#define BATCH_MAX_DW		((AUX_SIZE - AUX_BATCH) / 4)

/*
 * PAT indices. Index 2 is "WB, 2-way coherent" in every Xe2+ PAT table of
 * the xe driver (xe2, xe3_lpg, xe3p_lpg and xe3p_xpc tables in
 * drivers/gpu/drm/xe/xe_pat.c), which satisfies all the kernel's checks
 * for CPU-address-mirror binds (coherent on iGPU, 2-way where the L2 flush
 * optimisation requires it). The madvised PAT must differ from it: index 1
 * ("WB, 1-way coherent") on Xe2/Xe3, and index 19 (1-way coherent, XA) on
 * Xe3p LPG, where madvise on SVM ranges requires 2-way or index 19.
 */
#define PAT_BIND		2

#define BATCH_TIMEOUT_MS	10000
#define WATCHDOG_SECS		180

/* ---------------------------------------------------------------------- */
/* Test bookkeeping                                                       */
/* ---------------------------------------------------------------------- */

enum status { ST_PASS, ST_FAIL, ST_SKIP };

struct env {
	struct xe_devinfo devs[MAX_DEVICES];
	int ndevs;
	enum status status;		/* ST_PASS: device 0 is usable */
	char reason[256];		/* why not, otherwise */
};

struct test {
	struct env *env;
	enum status status;
	char msg[512];
};

struct subtest {
	const char *name;
	void (*fn)(struct test *t);
	unsigned int timeout_s;
};

static bool __attribute__((format(printf, 2, 3)))
t_fail(struct test *t, const char *fmt, ...)
{
	va_list ap;

	/* Keep the first failure: it is the root cause. */
	if (t->status != ST_FAIL) {
		t->status = ST_FAIL;
		va_start(ap, fmt);
		vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool __attribute__((format(printf, 2, 3)))
t_skip(struct test *t, const char *fmt, ...)
{
	va_list ap;

	if (t->status == ST_PASS) {
		t->status = ST_SKIP;
		va_start(ap, fmt);
		vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Record a failed helper call; @err is the negative errno it returned. */
static bool t_fail_ioctl(struct test *t, int err)
{
	return t_fail(t, "%s: %s", xe_last_failed_ioctl, strerror(-err));
}

static const struct xe_devinfo *primary(struct test *t)
{
	return &t->env->devs[0];
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000l,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---------------------------------------------------------------------- */
/* Memory attributes                                                      */
/* ---------------------------------------------------------------------- */

/* The four attributes reported by DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS. */
struct attrs {
	uint32_t devmem_fd;
	uint32_t policy;
	uint32_t atomic;
	uint32_t pat;
};

static uint16_t madvise_pat(const struct xe_devinfo *dev)
{
	if (dev->gfx_major == 35 && dev->gfx_minor != 11)
		return 19;
	return 1;
}

static const char *loc_name(uint32_t fd, char *buf, size_t len)
{
	if (fd == DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE)
		return "device";
	if (fd == (uint32_t)DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM)
		return "system";
	snprintf(buf, len, "fd%u", fd);
	return buf;
}

static const char *atomic_name(uint32_t val)
{
	switch (val) {
	case DRM_XE_ATOMIC_UNDEFINED:	return "undefined";
	case DRM_XE_ATOMIC_DEVICE:	return "device";
	case DRM_XE_ATOMIC_GLOBAL:	return "global";
	case DRM_XE_ATOMIC_CPU:		return "cpu";
	default:			return "?";
	}
}

static void fmt_attrs(char *buf, size_t len, const struct attrs *a)
{
	char fdbuf[16];

	snprintf(buf, len, "{loc=%s policy=%s atomic=%s pat=%u}",
		 loc_name(a->devmem_fd, fdbuf, sizeof(fdbuf)),
		 a->policy == DRM_XE_MIGRATE_ALL_PAGES ? "all" :
		 a->policy == DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES ? "sys-only" :
		 "?",
		 atomic_name(a->atomic), a->pat);
}

static struct attrs attrs_of(const struct drm_xe_mem_range_attr *r)
{
	return (struct attrs) {
		.devmem_fd = r->preferred_mem_loc.devmem_fd,
		.policy = r->preferred_mem_loc.migration_policy,
		.atomic = r->atomic.val,
		.pat = r->pat_index.val,
	};
}

static bool attrs_equal(const struct attrs *a, const struct attrs *b)
{
	return a->devmem_fd == b->devmem_fd && a->policy == b->policy &&
	       a->atomic == b->atomic && a->pat == b->pat;
}

/* ---------------------------------------------------------------------- */
/* Fixture: fd + fault-mode VM + CPU-address-mirror binding               */
/* ---------------------------------------------------------------------- */

struct fixture {
	struct test *t;
	const struct xe_devinfo *dev;
	int fd;
	uint32_t vm;
	char *base;		/* start of the CPU-address-mirror binding */
	uint64_t size;
	bool own_window;	/* base..base+size is our PROT_NONE reservation */
	uint32_t default_pat;	/* PAT reported right after the bind */
	uint32_t queue;		/* exec queue, 0 if none */
	char *aux;		/* helper memory for batches, NULL if none */
	uint64_t seqno;		/* last user fence value */
};

static struct attrs attrs_default(const struct fixture *fx)
{
	return (struct attrs) {
		.devmem_fd = DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE,
		.policy = DRM_XE_MIGRATE_ALL_PAGES,
		.atomic = DRM_XE_ATOMIC_UNDEFINED,
		.pat = fx->default_pat,
	};
}

/* Every attribute differs from its default. */
static struct attrs attrs_set(const struct fixture *fx)
{
	return (struct attrs) {
		.devmem_fd = (uint32_t)DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM,
		.policy = DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES,
		.atomic = DRM_XE_ATOMIC_GLOBAL,
		.pat = madvise_pat(fx->dev),
	};
}

/* What gpu_init() madvises on the aux area. */
static struct attrs attrs_aux(const struct fixture *fx)
{
	struct attrs a = attrs_default(fx);

	a.devmem_fd = (uint32_t)DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM;
	return a;
}

static bool fx_open(struct fixture *fx, struct test *t,
		    const struct xe_devinfo *dev)
{
	int err;

	memset(fx, 0, sizeof(*fx));
	fx->t = t;
	fx->dev = dev;
	fx->fd = xe_open(dev->path);
	if (fx->fd < 0)
		return t_fail(t, "open %s: %s", dev->path, strerror(-fx->fd));

	err = xe_vm_create(fx->fd, DRM_XE_VM_CREATE_FLAG_LR_MODE |
			   DRM_XE_VM_CREATE_FLAG_FAULT_MODE, &fx->vm);
	if (err)
		return t_fail_ioctl(t, err);
	return true;
}

/* Query [start, start + len) into @out; on error fill @why. */
static int query(struct fixture *fx, uint64_t start, uint64_t len,
		 struct drm_xe_mem_range_attr *out, unsigned int *num,
		 char *why, size_t n)
{
	int err;

	err = xe_query_mem_range_attrs(fx->fd, fx->vm, start, len, out,
				       XE_MAX_RANGE_ATTRS, num, false);
	if (err)
		snprintf(why, n, "%s: %s", xe_last_failed_ioctl,
			 strerror(-err));
	return err;
}

/*
 * Bind [base, base + size) as CPU address mirror with @flags added to
 * DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR, and record the PAT index the
 * kernel reports right after the bind: that is what autoreset restores.
 */
static bool fx_bind(struct fixture *fx, char *base, uint64_t size,
		    uint32_t flags)
{
	struct drm_xe_mem_range_attr r[XE_MAX_RANGE_ATTRS];
	struct attrs got, want;
	char why[256], b1[96], b2[96];
	unsigned int num, i;
	int err;

	if (fx->dev->va_bits && fx->dev->va_bits < 64 &&
	    to_user_pointer(base) + size > (1ull << fx->dev->va_bits))
		return t_skip(fx->t, "CPU range %p above the %u-bit GPU VA space",
			      base, fx->dev->va_bits);

	err = xe_vm_bind_mirror(fx->fd, fx->vm, to_user_pointer(base), size,
				flags, PAT_BIND, false);
	if (err)
		return t_fail_ioctl(fx->t, err);
	fx->base = base;
	fx->size = size;

	if (query(fx, to_user_pointer(base), size, r, &num, why, sizeof(why)))
		return t_fail(fx->t, "after bind: %s", why);
	if (num == 0)
		return t_fail(fx->t, "after bind: query reports no range at %p",
			      base);

	fx->default_pat = r[0].pat_index.val;
	want = attrs_default(fx);
	for (i = 0; i < num; i++) {
		got = attrs_of(&r[i]);
		if (!attrs_equal(&got, &want)) {
			fmt_attrs(b1, sizeof(b1), &got);
			fmt_attrs(b2, sizeof(b2), &want);
			return t_fail(fx->t, "after bind: [%#llx-%#llx) is %s, expected %s",
				      (unsigned long long)r[i].start,
				      (unsigned long long)r[i].end, b1, b2);
		}
	}
	return true;
}

/* Reserve a @size window aligned to @size, PROT_NONE, no backing. */
static char *reserve_window(uint64_t size)
{
	uint64_t len = 2 * size;
	char *p, *a;

	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;

	a = (char *)(uintptr_t)ALIGN_UP(to_user_pointer(p), size);
	if (a > p)
		munmap(p, a - p);
	if (a + size < p + len)
		munmap(a + size, (p + len) - (a + size));
	return a;
}

static bool fx_window(struct fixture *fx, uint32_t flags)
{
	char *w = reserve_window(WINDOW_SIZE);

	if (!w)
		return t_fail(fx->t, "mmap(PROT_NONE, %llu MiB window): %s",
			      WINDOW_SIZE >> 20, strerror(errno));
	fx->base = w;
	fx->size = WINDOW_SIZE;
	fx->own_window = true;
	return fx_bind(fx, w, WINDOW_SIZE, flags);
}

static void fx_close(struct fixture *fx)
{
	int err;

	if (fx->queue) {
		err = xe_exec_queue_destroy(fx->fd, fx->queue);
		if (err)
			t_fail_ioctl(fx->t, err);
	}
	if (fx->vm) {
		err = xe_vm_destroy(fx->fd, fx->vm);
		if (err)
			t_fail_ioctl(fx->t, err);
	}
	if (fx->fd >= 0)
		close(fx->fd);
	if (fx->own_window && fx->base)
		munmap(fx->base, fx->size);
	fx->queue = 0;
	fx->vm = 0;
	fx->fd = -1;
	fx->base = NULL;
}

/* Write one dword per page so every page is populated and recognisable. */
static void fill_pages(char *p, uint64_t len, uint32_t seed)
{
	uint64_t off;

	for (off = 0; off < len; off += SZ_4K)
		*(volatile uint32_t *)(p + off) = seed ^ (uint32_t)(off >> 12);
}

static bool check_pages(char *p, uint64_t len, uint32_t seed)
{
	uint64_t off;

	for (off = 0; off < len; off += SZ_4K)
		if (*(volatile uint32_t *)(p + off) !=
		    (seed ^ (uint32_t)(off >> 12)))
			return false;
	return true;
}

/* mmap() anonymous RW memory over part of the reserved window. */
static char *fx_map(struct fixture *fx, uint64_t off, uint64_t len)
{
	char *want = fx->base + off;
	char *p;

	p = mmap(want, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		t_fail(fx->t, "mmap(%p, %#llx, MAP_FIXED): %s", want,
		       (unsigned long long)len, strerror(errno));
		return NULL;
	}
	fill_pages(p, len, 0x5eed0000u);
	return p;
}

static bool fx_unmap(struct fixture *fx, char *p, uint64_t len)
{
	if (munmap(p, len))
		return t_fail(fx->t, "munmap(%p, %#llx): %s", p,
			      (unsigned long long)len, strerror(errno));
	return true;
}

/* Apply all attributes of @a to [p, p + len), one madvise per type. */
static bool madv_apply(struct fixture *fx, const char *p, uint64_t len,
		       const struct attrs *a)
{
	uint64_t start = to_user_pointer(p);
	int err;

	err = xe_madvise_prefloc(fx->fd, fx->vm, start, len, a->devmem_fd,
				 a->policy, 0, false);
	if (!err)
		err = xe_madvise_atomic(fx->fd, fx->vm, start, len, a->atomic);
	if (!err)
		err = xe_madvise_pat(fx->fd, fx->vm, start, len, a->pat);
	if (err)
		return t_fail_ioctl(fx->t, err);
	return true;
}

/*
 * 1 if every VMA intersecting [start, start + len) carries @exp and
 * together they cover the whole range, 0 on mismatch, -errno if the query
 * failed. @why describes the first problem found.
 */
static int check_range(struct fixture *fx, uint64_t start, uint64_t len,
		       const struct attrs *exp, char *why, size_t n)
{
	struct drm_xe_mem_range_attr r[XE_MAX_RANGE_ATTRS];
	uint64_t cursor = start, end = start + len;
	char b1[96], b2[96];
	unsigned int num, i;
	int err;

	err = query(fx, start, len, r, &num, why, n);
	if (err)
		return err;

	for (i = 0; i < num; i++) {
		struct attrs got = attrs_of(&r[i]);

		if (r[i].start > cursor) {
			snprintf(why, n, "no GPU VMA covers [%#llx-%#llx)",
				 (unsigned long long)cursor,
				 (unsigned long long)r[i].start);
			return 0;
		}
		if (!attrs_equal(&got, exp)) {
			fmt_attrs(b1, sizeof(b1), &got);
			fmt_attrs(b2, sizeof(b2), exp);
			snprintf(why, n, "[%#llx-%#llx) is %s, expected %s",
				 (unsigned long long)r[i].start,
				 (unsigned long long)r[i].end, b1, b2);
			return 0;
		}
		if (r[i].end > cursor)
			cursor = r[i].end;
	}
	if (cursor < end) {
		snprintf(why, n, "no GPU VMA covers [%#llx-%#llx)",
			 (unsigned long long)cursor, (unsigned long long)end);
		return 0;
	}
	return 1;
}

/*
 * Check [p, p + len) against @exp right now. On a mismatch, keep polling
 * for a second before failing, only to tell apart "the kernel resets
 * asynchronously, some time after munmap() returned" from "the state is
 * wrong for good"; either way the subtest fails.
 */
static bool expect_range(struct fixture *fx, const char *label,
			 const void *p, uint64_t len, const struct attrs *exp)
{
	uint64_t start = to_user_pointer(p);
	char why[320], later[320];
	unsigned int waited;
	int ret;

	ret = check_range(fx, start, len, exp, why, sizeof(why));
	if (ret == 1)
		return true;
	if (ret < 0)
		return t_fail(fx->t, "%s: %s", label, why);

	for (waited = 0; waited < 1000; waited += 10) {
		sleep_ms(10);
		ret = check_range(fx, start, len, exp, later, sizeof(later));
		if (ret != 0)
			break;
	}
	if (ret == 1)
		return t_fail(fx->t, "%s: %s; correct only ~%u ms later (not synchronous with the CPU unmap)",
			      label, why, waited + 10);
	return t_fail(fx->t, "%s: %s (still wrong after 1 s)", label, why);
}

/*
 * Let deferred kernel work triggered by earlier CPU unmaps finish, so a
 * second round of checks also catches late or excessive resets.
 * DRM_IOCTL_XE_MADVISE flushes the VM's SVM garbage collector before doing
 * anything else; we apply a no-op attribute (atomic = undefined) to the
 * last 64K of the binding, which no subtest uses.
 */
static bool settle(struct fixture *fx)
{
	uint64_t start = to_user_pointer(fx->base) + fx->size - SETTLE_SIZE;
	int err;

	sleep_ms(50);
	err = xe_madvise_atomic(fx->fd, fx->vm, start, SETTLE_SIZE,
				DRM_XE_ATOMIC_UNDEFINED);
	if (err)
		return t_fail_ioctl(fx->t, err);
	return true;
}

/* fx_map() and madvise with @a, checked; NULL on failure. */
static char *fx_map_advised(struct fixture *fx, uint64_t off, uint64_t len,
			    const struct attrs *a)
{
	char *p = fx_map(fx, off, len);

	if (!p || !madv_apply(fx, p, len, a) ||
	    !expect_range(fx, "after madvise", p, len, a))
		return NULL;
	return p;
}

/*
 * munmap [p, p + len) and expect @exp there, right away and again once
 * deferred work had its chance.
 */
static bool unmap_expect(struct fixture *fx, char *p, uint64_t len,
			 const struct attrs *exp)
{
	return fx_unmap(fx, p, len) &&
	       expect_range(fx, "immediately after munmap", p, len, exp) &&
	       settle(fx) &&
	       expect_range(fx, "after settling", p, len, exp);
}

/* ---------------------------------------------------------------------- */
/* GPU submission                                                         */
/* ---------------------------------------------------------------------- */

struct batch {
	uint32_t dw[BATCH_MAX_DW];
	unsigned int n;
};

static void emit(struct batch *b, uint32_t dw)
{
	if (b->n < BATCH_MAX_DW)
		b->dw[b->n] = dw;
	b->n++;
}

/* MI_STORE_DATA_IMM: *(u32 *)addr = val, addr is a GPU VA in the VM. */
static void emit_store(struct batch *b, uint64_t addr, uint32_t val)
{
	emit(b, GPU_MI_STORE_DATA_IMM_1DW);
	emit(b, lower_32_bits(addr));
	emit(b, upper_32_bits(addr));
	emit(b, val);
}

/* MI_SEMAPHORE_WAIT in polling mode until *(u32 *)addr == val. */
static void emit_wait_eq(struct batch *b, uint64_t addr, uint32_t val)
{
	emit(b, GPU_MI_SEMAPHORE_WAIT | GPU_MI_SEMW_POLL |
		GPU_MI_SEMW_SAD_EQ_SDD);
	emit(b, val);
	emit(b, lower_32_bits(addr));
	emit(b, upper_32_bits(addr));
	emit(b, 0);
}

static void emit_end(struct batch *b)
{
	emit(b, GPU_MI_BATCH_BUFFER_END);
	if (b->n & 1)
		emit(b, GPU_MI_NOOP);
}

static volatile uint32_t *aux_u32(struct fixture *fx, unsigned int off)
{
	return (volatile uint32_t *)(fx->aux + off);
}

/*
 * Map the aux area (batch, fence, flags) in the mirrored window, keep it
 * in system memory so CPU polling does not bounce it to VRAM and back,
 * and create an exec queue on a render or compute engine.
 */
static bool gpu_init(struct fixture *fx)
{
	int err;

	if (!fx->dev->has_engine)
		return t_skip(fx->t, "no render or compute engine on %s",
			      fx->dev->path);

	fx->aux = fx_map(fx, AUX_OFF, AUX_SIZE);
	if (!fx->aux)
		return false;
	memset(fx->aux, 0, AUX_SIZE);

	err = xe_madvise_prefloc(fx->fd, fx->vm, to_user_pointer(fx->aux),
				 AUX_SIZE,
				 (uint32_t)DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM,
				 DRM_XE_MIGRATE_ALL_PAGES, 0, false);
	if (err)
		return t_fail_ioctl(fx->t, err);

	err = xe_exec_queue_create(fx->fd, fx->vm, &fx->dev->engine,
				   &fx->queue);
	if (err)
		return t_fail_ioctl(fx->t, err);
	return true;
}

/* Copy @b to @where (CPU VA == GPU VA) and submit it; no waiting. */
static bool gpu_submit(struct fixture *fx, void *where, const struct batch *b)
{
	uint64_t *fence = (uint64_t *)(fx->aux + AUX_FENCE);
	int err;

	if (b->n > BATCH_MAX_DW)
		return t_fail(fx->t, "batch of %u dwords too large", b->n);

	memcpy(where, b->dw, b->n * sizeof(uint32_t));
	*(volatile uint64_t *)fence = 0;
	__sync_synchronize();

	err = xe_exec_ufence(fx->fd, fx->queue, to_user_pointer(where),
			     to_user_pointer(fence), ++fx->seqno);
	if (err)
		return t_fail_ioctl(fx->t, err);
	return true;
}

static bool gpu_wait(struct fixture *fx, unsigned int timeout_ms)
{
	uint64_t *fence = (uint64_t *)(fx->aux + AUX_FENCE);
	int err;

	err = xe_wait_ufence(fx->fd, fence, fx->seqno, fx->queue,
			     (int64_t)timeout_ms * NSEC_PER_MSEC);
	if (err == -ETIME)
		return t_fail(fx->t, "batch did not complete within %u ms",
			      timeout_ms);
	if (err)
		return t_fail_ioctl(fx->t, err);
	return true;
}

static bool gpu_run(struct fixture *fx, const struct batch *b)
{
	return gpu_submit(fx, fx->aux + AUX_BATCH, b) &&
	       gpu_wait(fx, BATCH_TIMEOUT_MS);
}

/* ---------------------------------------------------------------------- */
/* Subtests                                                               */
/* ---------------------------------------------------------------------- */

/*
 * cpu-only-munmap-reset: madvise a range, munmap it without the GPU ever
 * touching it, and the attributes are back to the post-bind defaults as
 * soon as munmap() returns.
 */
static void test_cpu_only_munmap_reset(struct test *t)
{
	struct attrs def, set;
	struct fixture fx;
	char *p;

	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	def = attrs_default(&fx);
	set = attrs_set(&fx);

	p = fx_map(&fx, TEST_OFF, CHUNK);
	if (!p ||
	    !expect_range(&fx, "after mmap", p, CHUNK, &def) ||
	    !madv_apply(&fx, p, CHUNK, &set) ||
	    !expect_range(&fx, "after madvise", p, CHUNK, &set) ||
	    !unmap_expect(&fx, p, CHUNK, &def))
		goto out;

	/* Nothing else in the window was ever madvised. */
	expect_range(&fx, "whole window after settling", fx.base,
		     fx.size, &def);
out:
	fx_close(&fx);
}

enum part { PART_HEAD, PART_MIDDLE, PART_TAIL };

/*
 * partial-munmap-{head,middle,tail}: madvise three chunks as one range,
 * munmap one of them: only that chunk resets, the other two keep their
 * attributes, before and after deferred work had a chance to run.
 */
static void partial_munmap(struct test *t, enum part which)
{
	static const char *const label[] = { "head", "middle", "tail" };
	struct attrs def, set;
	struct fixture fx;
	char msg[64];
	int pass, i;
	char *p;

	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	def = attrs_default(&fx);
	set = attrs_set(&fx);

	p = fx_map_advised(&fx, TEST_OFF, 3 * CHUNK, &set);
	if (!p || !fx_unmap(&fx, p + which * CHUNK, CHUNK))
		goto out;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && !settle(&fx))
			goto out;
		for (i = 0; i < 3; i++) {
			bool unmapped = i == (int)which;

			snprintf(msg, sizeof(msg), "%s %s chunk %d (%s)",
				 pass ? "after settling," : "immediately,",
				 unmapped ? "unmapped" : "kept", i,
				 label[which]);
			if (!expect_range(&fx, msg, p + i * CHUNK, CHUNK,
					  unmapped ? &def : &set))
				goto out;
		}
	}
out:
	fx_close(&fx);
}

static void test_partial_munmap_head(struct test *t)
{
	partial_munmap(t, PART_HEAD);
}

static void test_partial_munmap_middle(struct test *t)
{
	partial_munmap(t, PART_MIDDLE);
}

static void test_partial_munmap_tail(struct test *t)
{
	partial_munmap(t, PART_TAIL);
}

/*
 * munmap-spanning-three: three adjacent ranges with different attributes,
 * one munmap() from the middle of the first to the middle of the third.
 * The unmapped span resets as a whole, the outer halves keep their own
 * (different) attributes.
 */
static void test_munmap_spanning_three(struct test *t)
{
	struct attrs def, a[3];
	struct fixture fx;
	const char *when;
	int pass, i;
	char *p;

	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	def = attrs_default(&fx);

	/* Each differs from the defaults and from the other two. */
	a[0] = def;
	a[0].devmem_fd = (uint32_t)DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM;
	a[0].atomic = DRM_XE_ATOMIC_DEVICE;
	a[1] = def;
	a[1].policy = DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES;
	a[1].atomic = DRM_XE_ATOMIC_CPU;
	a[1].pat = madvise_pat(fx.dev);
	a[2] = attrs_set(&fx);

	p = fx_map(&fx, TEST_OFF, 3 * CHUNK);
	if (!p)
		goto out;
	for (i = 0; i < 3; i++)
		if (!madv_apply(&fx, p + i * CHUNK, CHUNK, &a[i]))
			goto out;
	for (i = 0; i < 3; i++)
		if (!expect_range(&fx, "after madvise", p + i * CHUNK, CHUNK,
				  &a[i]))
			goto out;

	if (!fx_unmap(&fx, p + CHUNK / 2, 2 * CHUNK))
		goto out;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && !settle(&fx))
			goto out;
		when = pass ? "after settling" : "immediately after munmap";
		if (!expect_range(&fx, when, p, CHUNK / 2, &a[0]) ||
		    !expect_range(&fx, when, p + CHUNK / 2, 2 * CHUNK, &def) ||
		    !expect_range(&fx, when, p + 5 * CHUNK / 2, CHUNK / 2,
				  &a[2]))
			goto out;
	}
out:
	fx_close(&fx);
}

/*
 * no-autoreset-control: the same sequence on a binding made without
 * DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET; the attributes must survive the
 * munmap, also after deferred work ran.
 */
static void test_no_autoreset_control(struct test *t)
{
	struct fixture fx;
	struct attrs set;
	char *p;

	if (!fx_open(&fx, t, primary(t)) || !fx_window(&fx, 0))
		goto out;
	set = attrs_set(&fx);

	p = fx_map_advised(&fx, TEST_OFF, CHUNK, &set);
	if (p)
		unmap_expect(&fx, p, CHUNK, &set);
out:
	fx_close(&fx);
}

/*
 * gpu-touched-munmap: the GPU writes into the madvised range (so the
 * kernel has SVM ranges and GPU mappings for it) before the munmap; the
 * result must be the same as for the CPU-only case, and the VM must stay
 * usable afterwards.
 */
static void test_gpu_touched_munmap(struct test *t)
{
	static const uint64_t offs[] = { 0, CHUNK / 2, CHUNK - 4 };
	struct attrs def, set, aux;
	struct batch b = { .n = 0 };
	struct fixture fx;
	unsigned int i;
	char *p;

	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET) ||
	    !gpu_init(&fx))
		goto out;
	def = attrs_default(&fx);
	set = attrs_set(&fx);
	aux = attrs_aux(&fx);

	p = fx_map_advised(&fx, TEST_OFF, CHUNK, &set);
	if (!p)
		goto out;

	for (i = 0; i < ARRAY_SIZE(offs); i++)
		emit_store(&b, to_user_pointer(p + offs[i]), 0xa11ce000u + i);
	emit_end(&b);
	if (!gpu_run(&fx, &b))
		goto out;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		uint32_t v = *(volatile uint32_t *)(p + offs[i]);

		if (v != 0xa11ce000u + i) {
			t_fail(t, "GPU store to %p: read %#x, expected %#x",
			       p + offs[i], v, 0xa11ce000u + i);
			goto out;
		}
	}

	if (!expect_range(&fx, "after GPU access", p, CHUNK, &set) ||
	    !fx_unmap(&fx, p, CHUNK) ||
	    !expect_range(&fx, "immediately after munmap", p, CHUNK, &def) ||
	    !expect_range(&fx, "aux area after munmap", fx.aux, AUX_SIZE,
			  &aux) ||
	    !settle(&fx) ||
	    !expect_range(&fx, "after settling", p, CHUNK, &def) ||
	    !expect_range(&fx, "aux area after settling", fx.aux, AUX_SIZE,
			  &aux))
		goto out;

	/* The reset must not have killed the VM: run another batch. */
	b.n = 0;
	emit_store(&b, to_user_pointer(aux_u32(&fx, AUX_STARTED)), 0x600dcafe);
	emit_end(&b);
	if (!gpu_run(&fx, &b))
		goto out;
	if (*aux_u32(&fx, AUX_STARTED) != 0x600dcafe)
		t_fail(t, "VM unusable after reset: GPU store not visible");
out:
	fx_close(&fx);
}

/*
 * remap-same-address: after the reset, new memory mapped at the very same
 * address starts with defaults, can be madvised again and resets again.
 */
static void test_remap_same_address(struct test *t)
{
	struct attrs def, set;
	struct fixture fx;
	uint64_t off;
	char *p, *q;

	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	def = attrs_default(&fx);
	set = attrs_set(&fx);

	p = fx_map(&fx, TEST_OFF, CHUNK);
	if (!p ||
	    !madv_apply(&fx, p, CHUNK, &set) ||
	    !fx_unmap(&fx, p, CHUNK) ||
	    !expect_range(&fx, "immediately after munmap", p, CHUNK, &def))
		goto out;

	/* The hole must really be free: never clobber anything there. */
	q = mmap(p, CHUNK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (q == MAP_FAILED) {
		t_fail(t, "mmap(%p, MAP_FIXED_NOREPLACE): %s", p,
		       strerror(errno));
		goto out;
	}
	if (q != p) {
		/* Pre-4.17 kernels treat the flag as a hint. */
		munmap(q, CHUNK);
		t_fail(t, "mmap(MAP_FIXED_NOREPLACE) returned %p, wanted %p",
		       q, p);
		goto out;
	}
	for (off = 0; off < CHUNK; off += SZ_4K) {
		if (*(volatile uint32_t *)(q + off)) {
			t_fail(t, "new mapping at %p not zero-filled", q + off);
			goto out;
		}
	}

	if (!expect_range(&fx, "new mapping at the same address", q, CHUNK,
			  &def) ||
	    !madv_apply(&fx, q, CHUNK, &set) ||
	    !expect_range(&fx, "madvise on the new mapping", q, CHUNK, &set) ||
	    !fx_unmap(&fx, q, CHUNK) ||
	    !expect_range(&fx, "immediately after second munmap", q, CHUNK,
			  &def) ||
	    !settle(&fx))
		goto out;
	expect_range(&fx, "after settling", q, CHUNK, &def);
out:
	fx_close(&fx);
}

/*
 * brk-shrink: the program break cannot be moved into our reserved window
 * (only prctl(PR_SET_MM) could, and that needs CAP_SYS_RESOURCE), so the
 * mirror is bound over the heap instead: grow the break by two aligned
 * chunks, bind them, madvise both, shrink the break by one chunk. The
 * released chunk resets, the one still below the break keeps its
 * attributes. No malloc() may run while we own the top of the heap; stdout
 * uses a static buffer and queries use stack arrays for that reason.
 */
static void test_brk_shrink(struct test *t)
{
	struct fixture fx;
	struct attrs def, set;
	char *cur, *start, *top, *now = NULL;
	int pass;

	if (!fx_open(&fx, t, primary(t)))
		goto out;

	cur = sbrk(0);
	start = (char *)(uintptr_t)ALIGN_UP(to_user_pointer(cur), CHUNK);
	top = start + 2 * CHUNK;
	if (sbrk(top - cur) == (void *)-1) {
		t_skip(t, "sbrk(+%#lx): %s", (unsigned long)(top - cur),
		       strerror(errno));
		goto out;
	}
	now = top;

	/* The extra SETTLE_SIZE past the break is only used by settle(). */
	if (!fx_bind(&fx, start, 2 * CHUNK + SETTLE_SIZE,
		     DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	def = attrs_default(&fx);
	set = attrs_set(&fx);

	fill_pages(start, 2 * CHUNK, 0xb7c0000u);
	if (!madv_apply(&fx, start, 2 * CHUNK, &set) ||
	    !expect_range(&fx, "after madvise", start, 2 * CHUNK, &set))
		goto out;

	if (sbrk(0) != top) {
		t_fail(t, "program break moved behind our back (%p, expected %p)",
		       sbrk(0), top);
		goto out;
	}
	if (brk(start + CHUNK)) {
		t_fail(t, "brk(%p): %s", start + CHUNK, strerror(errno));
		goto out;
	}
	now = start + CHUNK;

	for (pass = 0; pass < 2; pass++) {
		const char *kept = pass ? "kept chunk after settling" :
					  "kept chunk immediately";
		const char *gone = pass ? "released chunk after settling" :
					  "released chunk immediately";

		if (pass == 1 && !settle(&fx))
			goto out;
		if (!expect_range(&fx, gone, start + CHUNK, CHUNK, &def) ||
		    !expect_range(&fx, kept, start, CHUNK, &set))
			goto out;
	}
	if (!check_pages(start, CHUNK, 0xb7c0000u))
		t_fail(t, "heap contents below the break changed");
out:
	fx_close(&fx);
	/*
	 * Give the heap back exactly as we found it, unless someone else
	 * moved the break meanwhile: then that memory is not ours to drop.
	 */
	if (!now)
		return;
	if (sbrk(0) != now)
		t_fail(t, "program break moved behind our back; heap not restored");
	else if (brk(cur))
		t_fail(t, "restoring brk(%p): %s", cur, strerror(errno));
}

/*
 * mremap-away: moving a madvised mapping elsewhere unmaps the old range:
 * it resets. The destination starts with defaults too: attributes belong
 * to GPU VA ranges, they do not travel with the pages.
 */
static void test_mremap_away(struct test *t)
{
	struct attrs def, set;
	struct fixture fx;
	const char *when;
	char *p, *dst, *q;
	int pass;

	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	def = attrs_default(&fx);
	set = attrs_set(&fx);

	p = fx_map(&fx, TEST_OFF, 2 * CHUNK);
	if (!p)
		goto out;
	fill_pages(p, 2 * CHUNK, 0x3e3a0000u);
	if (!madv_apply(&fx, p, 2 * CHUNK, &set) ||
	    !expect_range(&fx, "after madvise", p, 2 * CHUNK, &set))
		goto out;

	/* Destination is PROT_NONE reservation; MREMAP_FIXED replaces it. */
	dst = fx.base + FAR_OFF;
	q = mremap(p, 2 * CHUNK, 2 * CHUNK, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (q == MAP_FAILED) {
		t_fail(t, "mremap(%p -> %p): %s", p, dst, strerror(errno));
		goto out;
	}
	if (q != dst) {
		t_fail(t, "mremap returned %p, wanted %p", q, dst);
		goto out;
	}
	if (!check_pages(dst, 2 * CHUNK, 0x3e3a0000u)) {
		t_fail(t, "contents did not move with mremap");
		goto out;
	}

	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && !settle(&fx))
			goto out;
		when = pass ? "after settling" : "immediately after mremap";
		if (!expect_range(&fx, when, p, 2 * CHUNK, &def) ||
		    !expect_range(&fx, when, dst, 2 * CHUNK, &def))
			goto out;
	}
out:
	fx_close(&fx);
}

/* ---- vm-destroy-during-munmap ---------------------------------------- */

#define RACE_ITERS		4
#define RACE_RANGES		64
#define RACE_THREADS		4
#define RACE_RANGE_SIZE		SZ_64K
#define RACE_STRIDE		SZ_256K
#define RACE_JOIN_TIMEOUT_S	20

struct race_thread {
	pthread_t thread;
	const int *go;		/* start flag, set by the main thread */
	char *ranges[RACE_RANGES];
	int nr;
	int err;		/* first munmap() errno */
};

static void *race_fn(void *arg)
{
	struct race_thread *rt = arg;
	int i;

	/* Spin rather than sleep so all threads start as close as possible. */
	while (!__atomic_load_n(rt->go, __ATOMIC_ACQUIRE))
		sched_yield();
	for (i = 0; i < rt->nr; i++)
		if (munmap(rt->ranges[i], RACE_RANGE_SIZE) && !rt->err)
			rt->err = errno;
	return NULL;
}

/* One iteration; @gpu: touch every range from the GPU first. */
static bool race_once(struct test *t, bool gpu)
{
	struct race_thread rt[RACE_THREADS];
	struct drm_xe_mem_range_attr r[1];
	char *ranges[RACE_RANGES];
	struct attrs set, alt;
	struct fixture fx;
	uint32_t old_vm, vm;
	unsigned int num;
	int started = 0, go = 0;
	int i, err;

	memset(rt, 0, sizeof(rt));
	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	set = attrs_set(&fx);
	alt = set;
	alt.atomic = DRM_XE_ATOMIC_DEVICE;

	for (i = 0; i < RACE_RANGES; i++) {
		ranges[i] = fx_map(&fx, TEST_OFF + i * RACE_STRIDE,
				   RACE_RANGE_SIZE);
		if (!ranges[i] ||
		    !madv_apply(&fx, ranges[i], RACE_RANGE_SIZE,
				(i & 1) ? &alt : &set))
			goto out;
	}

	if (gpu) {
		struct batch b = { .n = 0 };

		if (!gpu_init(&fx))
			goto out;
		for (i = 0; i < RACE_RANGES; i++)
			emit_store(&b, to_user_pointer(ranges[i]),
				   0xd00d0000u + i);
		emit_end(&b);
		if (!gpu_run(&fx, &b))
			goto out;
		for (i = 0; i < RACE_RANGES; i++) {
			if (*(volatile uint32_t *)ranges[i] != 0xd00d0000u + i) {
				t_fail(t, "GPU store to %p not visible",
				       ranges[i]);
				goto out;
			}
		}
		/* A VM with exec queues cannot be destroyed (-EBUSY). */
		err = xe_exec_queue_destroy(fx.fd, fx.queue);
		fx.queue = 0;
		if (err) {
			t_fail_ioctl(t, err);
			goto out;
		}
	}

	for (i = 0; i < RACE_RANGES; i++) {
		struct race_thread *x = &rt[i % RACE_THREADS];

		x->ranges[x->nr++] = ranges[i];
	}
	for (i = 0; i < RACE_THREADS; i++) {
		rt[i].go = &go;
		err = pthread_create(&rt[i].thread, NULL, race_fn, &rt[i]);
		if (err) {
			t_fail(t, "pthread_create: %s", strerror(err));
			break;
		}
		started++;
	}

	/* Go: the threads munmap while we destroy the VM. */
	old_vm = fx.vm;
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	err = xe_vm_destroy(fx.fd, fx.vm);
	fx.vm = 0;
	if (err)
		t_fail_ioctl(t, err);

	for (i = 0; i < started; i++) {
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += RACE_JOIN_TIMEOUT_S;
		err = pthread_timedjoin_np(rt[i].thread, NULL, &deadline);
		if (err == ETIMEDOUT) {
			t_fail(t, "munmap thread %d still running after %d s (hang?)",
			       i, RACE_JOIN_TIMEOUT_S);
			/* It still uses rt[] and go: never return then. */
			pthread_join(rt[i].thread, NULL);
		} else if (err) {
			t_fail(t, "pthread_timedjoin_np: %s", strerror(err));
		} else if (rt[i].err) {
			t_fail(t, "munmap in thread %d: %s", i,
			       strerror(rt[i].err));
		}
	}
	if (t->status == ST_FAIL)
		goto out;

	/* The VM is gone for good ... */
	err = xe_query_mem_range_attrs(fx.fd, old_vm, to_user_pointer(fx.base),
				       SZ_4K, r, ARRAY_SIZE(r), &num, true);
	if (!err) {
		t_fail(t, "DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS on destroyed VM %u succeeded",
		       old_vm);
		goto out;
	}

	/* ... and the file descriptor is still fully functional. */
	err = xe_vm_create(fx.fd, DRM_XE_VM_CREATE_FLAG_LR_MODE |
			   DRM_XE_VM_CREATE_FLAG_FAULT_MODE, &vm);
	if (err) {
		t_fail_ioctl(t, err);
		goto out;
	}
	err = xe_vm_destroy(fx.fd, vm);
	if (err)
		t_fail_ioctl(t, err);
out:
	fx_close(&fx);
	return t->status != ST_FAIL;
}

/*
 * vm-destroy-during-munmap: tear the VM down while other threads munmap
 * madvised ranges of it (with and without prior GPU access): no hang, no
 * error from munmap() or DRM_IOCTL_XE_VM_DESTROY, file still usable.
 */
static void test_vm_destroy_during_munmap(struct test *t)
{
	bool has_engine = primary(t)->has_engine;
	int iter;

	for (iter = 0; iter < RACE_ITERS; iter++)
		if (!race_once(t, has_engine && (iter & 1)))
			break;
}

/*
 * fork-child-munmap: a forked child unmapping its copy of a madvised range
 * changes another address space; the parent's VM attributes must stay.
 * Autoreset must still work for the parent's own munmap afterwards.
 */
static void test_fork_child_munmap(struct test *t)
{
	struct attrs def, set;
	struct fixture fx;
	int status;
	pid_t pid;
	char *p;

	if (!fx_open(&fx, t, primary(t)) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET))
		goto out;
	def = attrs_default(&fx);
	set = attrs_set(&fx);

	p = fx_map_advised(&fx, TEST_OFF, CHUNK, &set);
	if (!p)
		goto out;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		t_fail(t, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* Child: no DRM calls at all, only unmap our copy. */
		_exit(munmap(p, CHUNK) ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		t_fail(t, "waitpid: %s", strerror(errno));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		t_fail(t, "child failed to munmap (status %#x)", status);
		goto out;
	}

	if (!expect_range(&fx, "parent, right after child's munmap", p,
			  CHUNK, &set) ||
	    !settle(&fx) ||
	    !expect_range(&fx, "parent, after settling", p, CHUNK, &set))
		goto out;
	if (!check_pages(p, CHUNK, 0x5eed0000u)) {
		t_fail(t, "parent's memory changed by child's munmap");
		goto out;
	}

	if (!fx_unmap(&fx, p, CHUNK))
		goto out;
	expect_range(&fx, "parent's own munmap", p, CHUNK, &def);
out:
	fx_close(&fx);
}

/* ---- two-device-unbind ----------------------------------------------- */

#define SYSFS_XE_DRIVER		"/sys/bus/pci/drivers/xe"
#define UNBIND_TIMEOUT_MS	60000
#define REBIND_TIMEOUT_MS	60000

static int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

struct unbind_ctx {
	char slot[32];
	int err;
	int done;
};

static void *unbind_fn(void *arg)
{
	struct unbind_ctx *u = arg;

	u->err = sysfs_write(SYSFS_XE_DRIVER "/unbind", u->slot);
	__atomic_store_n(&u->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static bool wait_done(int *flag, unsigned int timeout_ms)
{
	unsigned int waited;

	for (waited = 0; waited < timeout_ms; waited += 10) {
		if (__atomic_load_n(flag, __ATOMIC_ACQUIRE))
			return true;
		sleep_ms(10);
	}
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

static bool wait_u32(volatile uint32_t *p, uint32_t val,
		     unsigned int timeout_ms)
{
	unsigned int waited;

	for (waited = 0; waited < timeout_ms; waited++) {
		if (*p == val)
			return true;
		sleep_ms(1);
	}
	return *p == val;
}

static bool pci_has_driver(const char *slot)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", slot);
	return access(path, F_OK) == 0;
}

/* Find /dev/dri/renderD* of @slot once it exists, else return false. */
static bool render_node_of(const char *slot, char *out, size_t len)
{
	struct dirent *de;
	char path[128];
	unsigned int minor;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/drm", slot);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "renderD%u", &minor) == 1) {
			snprintf(out, len, "/dev/dri/renderD%u", minor);
			found = access(out, F_OK) == 0;
			break;
		}
	}
	closedir(dir);
	return found;
}

/* Bind @slot to xe again and check the new device is usable. */
static void rebind_and_check(struct test *t, const char *slot)
{
	char node[64];
	unsigned int waited;
	uint32_t vm;
	int err, fd;

	err = sysfs_write(SYSFS_XE_DRIVER "/bind", slot);
	if (err) {
		t_fail(t, "writing %s to %s/bind: %s", slot, SYSFS_XE_DRIVER,
		       strerror(-err));
		return;
	}
	for (waited = 0; waited < REBIND_TIMEOUT_MS; waited += 100) {
		if (render_node_of(slot, node, sizeof(node)))
			break;
		sleep_ms(100);
	}
	if (waited >= REBIND_TIMEOUT_MS) {
		t_fail(t, "no render node for %s within %u s of rebinding",
		       slot, REBIND_TIMEOUT_MS / 1000);
		return;
	}

	fd = xe_open(node);
	if (fd < 0) {
		t_fail(t, "open %s after rebind: %s", node, strerror(-fd));
		return;
	}
	if (!xe_fd_is_xe(fd)) {
		t_fail(t, "%s after rebind is not an xe device", node);
	} else {
		err = xe_vm_create(fd, 0, &vm);
		if (err)
			t_fail_ioctl(t, err);
		else if ((err = xe_vm_destroy(fd, vm)))
			t_fail_ioctl(t, err);
	}
	close(fd);
}

/*
 * two-device-unbind: device 0 executes a batch that lives in memory whose
 * preferred location is device 1's VRAM (devmem_fd = device 1's fd plus
 * its VRAM region instance). While the batch is parked on a semaphore,
 * device 1 is unbound from the xe driver through sysfs, which must evict
 * its VRAM. The batch must then complete with correct results, and after
 * device 0's VM and file are closed, device 1 must bind again.
 */
static void test_two_device_unbind(struct test *t)
{
	const uint32_t started_magic = 0x57a27ed0, val_a = 0xaaaa0001,
		       val_b = 0xbbbb0002;
	const struct xe_devinfo *d0, *d1;
	struct unbind_ctx u = { .err = 0 };
	struct batch b = { .n = 0 };
	bool thread_running = false;
	struct fixture fx = { .fd = -1 };
	struct attrs want;
	pthread_t thread;
	char *p, *batch_at;
	uint32_t *data;
	int fd1 = -1, err;

	if (t->env->ndevs < 2) {
		t_skip(t, "needs two xe devices, found %d", t->env->ndevs);
		return;
	}
	if (geteuid() != 0) {
		t_skip(t, "needs root to unbind/bind through %s",
		       SYSFS_XE_DRIVER);
		return;
	}
	d0 = &t->env->devs[0];
	d1 = &t->env->devs[1];
	if (!d0->has_engine) {
		t_skip(t, "no render or compute engine on %s", d0->path);
		return;
	}
	if (!d1->probed) {
		t_skip(t, "device 1: %s", d1->probe_err);
		return;
	}
	if (d1->vram_instance < 0) {
		t_skip(t, "device 1 (%s) has no VRAM", d1->path);
		return;
	}
	if (!d1->pci_slot[0]) {
		t_skip(t, "cannot resolve the PCI slot of %s", d1->path);
		return;
	}
	if (access(SYSFS_XE_DRIVER "/unbind", W_OK) ||
	    access(SYSFS_XE_DRIVER "/bind", W_OK)) {
		t_skip(t, "%s/{bind,unbind} not writable", SYSFS_XE_DRIVER);
		return;
	}
	snprintf(u.slot, sizeof(u.slot), "%s", d1->pci_slot);

	if (!fx_open(&fx, t, d0) ||
	    !fx_window(&fx, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET) ||
	    !gpu_init(&fx))
		goto out;

	p = fx_map(&fx, TEST_OFF, CHUNK);
	if (!p)
		goto out;
	batch_at = p;
	data = (uint32_t *)(p + SZ_64K);

	fd1 = xe_open(d1->path);
	if (fd1 < 0) {
		t_fail(t, "open %s: %s", d1->path, strerror(-fd1));
		goto out;
	}
	err = xe_madvise_prefloc(fx.fd, fx.vm, to_user_pointer(p), CHUNK,
				 (uint32_t)fd1, DRM_XE_MIGRATE_ALL_PAGES,
				 (uint16_t)d1->vram_instance, false);
	if (err == -ENOLINK || err == -ENOENT || err == -ENODEV ||
	    err == -EOPNOTSUPP) {
		t_skip(t, "device 1 VRAM not usable as preferred location of device 0 memory: DRM_IOCTL_XE_MADVISE: %s",
		       strerror(-err));
		goto out;
	}
	if (err) {
		t_fail_ioctl(t, err);
		goto out;
	}
	want = attrs_default(&fx);
	want.devmem_fd = (uint32_t)fd1;
	if (!expect_range(&fx, "preferred location = device 1", p, CHUNK,
			  &want))
		goto out;

	/*
	 * Batch, in the device-1-preferred memory:
	 *   aux.started = magic; data[0] = A;
	 *   wait until aux.sem == 1;
	 *   data[1] = B;
	 */
	emit_store(&b, to_user_pointer(aux_u32(&fx, AUX_STARTED)),
		   started_magic);
	emit_store(&b, to_user_pointer(&data[0]), val_a);
	emit_wait_eq(&b, to_user_pointer(aux_u32(&fx, AUX_SEM)), 1);
	emit_store(&b, to_user_pointer(&data[1]), val_b);
	emit_end(&b);
	*aux_u32(&fx, AUX_STARTED) = 0;
	*aux_u32(&fx, AUX_SEM) = 0;

	/* Device 0's VM holds the only reference to device 1's memory. */
	close(fd1);
	fd1 = -1;

	if (!gpu_submit(&fx, batch_at, &b))
		goto out;

	if (!wait_u32(aux_u32(&fx, AUX_STARTED), started_magic,
		      BATCH_TIMEOUT_MS)) {
		t_fail(t, "batch did not start within %u ms", BATCH_TIMEOUT_MS);
	} else {
		err = pthread_create(&thread, NULL, unbind_fn, &u);
		if (err) {
			t_fail(t, "pthread_create: %s", strerror(err));
		} else {
			thread_running = true;
			if (!wait_done(&u.done, UNBIND_TIMEOUT_MS))
				t_fail(t, "unbinding %s blocked for %u s while device 0's batch ran",
				       u.slot, UNBIND_TIMEOUT_MS / 1000);
			else if (u.err)
				t_fail(t, "writing %s to %s/unbind: %s", u.slot,
				       SYSFS_XE_DRIVER, strerror(-u.err));
		}
	}

	/* Release the batch in any case, then it must finish. */
	*aux_u32(&fx, AUX_SEM) = 1;
	__sync_synchronize();
	if (!gpu_wait(&fx, 3 * BATCH_TIMEOUT_MS))
		goto out;
	if (data[0] != val_a || data[1] != val_b)
		t_fail(t, "batch results %#x %#x, expected %#x %#x",
		       data[0], data[1], val_a, val_b);

out:
	if (fd1 >= 0)
		close(fd1);
	/* Close device 0's VM and file: nothing may pin device 1 now. */
	fx_close(&fx);

	if (thread_running) {
		if (!wait_done(&u.done, UNBIND_TIMEOUT_MS)) {
			t_fail(t, "unbinding %s still blocked after device 0 was closed; not rebinding",
			       u.slot);
			pthread_detach(thread);
			return;
		}
		pthread_join(thread, NULL);
	}

	/* Whatever happened, try to leave device 1 bound to xe. */
	if (u.slot[0] && !pci_has_driver(u.slot))
		rebind_and_check(t, u.slot);
}

/* ---------------------------------------------------------------------- */
/* Runner                                                                 */
/* ---------------------------------------------------------------------- */

static const struct subtest subtests[] = {
	{ "cpu-only-munmap-reset",	test_cpu_only_munmap_reset,	60 },
	{ "partial-munmap-head",	test_partial_munmap_head,	60 },
	{ "partial-munmap-middle",	test_partial_munmap_middle,	60 },
	{ "partial-munmap-tail",	test_partial_munmap_tail,	60 },
	{ "munmap-spanning-three",	test_munmap_spanning_three,	60 },
	{ "no-autoreset-control",	test_no_autoreset_control,	60 },
	{ "gpu-touched-munmap",		test_gpu_touched_munmap,	90 },
	{ "remap-same-address",		test_remap_same_address,	60 },
	{ "brk-shrink",			test_brk_shrink,		60 },
	{ "mremap-away",		test_mremap_away,		60 },
	{ "vm-destroy-during-munmap",	test_vm_destroy_during_munmap,	WATCHDOG_SECS },
	{ "fork-child-munmap",		test_fork_child_munmap,		60 },
	{ "two-device-unbind",		test_two_device_unbind,		400 },
};

/*
 * Decide once whether device 0 can run any subtest: Xe2+, CPU address
 * mirror, fault-mode VMs, DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET and
 * DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS.
 */
static void probe_env(struct env *env)
{
	struct drm_xe_mem_range_attr r[XE_MAX_RANGE_ATTRS];
	struct xe_devinfo *dev;
	unsigned int num;
	uint32_t vm = 0;
	char *area = NULL;
	int i, fd, err;

	env->status = ST_SKIP;
	env->ndevs = xe_find_devices(env->devs, MAX_DEVICES);
	if (env->ndevs == 0) {
		snprintf(env->reason, sizeof(env->reason),
			 "no xe render node in /dev/dri");
		return;
	}
	for (i = 0; i < env->ndevs; i++)
		xe_probe_device(&env->devs[i]);

	dev = &env->devs[0];
	printf("INFO: %d xe device(s); device 0 = %s (%s), graphics IP %u.%02u, %s engine\n",
	       env->ndevs, dev->path, dev->pci_slot[0] ? dev->pci_slot : "?",
	       dev->gfx_major, dev->gfx_minor,
	       !dev->has_engine ? "no" :
	       dev->engine.engine_class == DRM_XE_ENGINE_CLASS_RENDER ?
	       "render" : "compute");

	if (!dev->probed) {
		snprintf(env->reason, sizeof(env->reason), "device 0: %s",
			 dev->probe_err);
		env->status = ST_FAIL;
		return;
	}
	if (dev->gfx_major < 20) {
		snprintf(env->reason, sizeof(env->reason),
			 "device 0 is graphics IP %u.%02u, needs Xe2 (20.x) or newer",
			 dev->gfx_major, dev->gfx_minor);
		return;
	}
	if (!(dev->config_flags & DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR)) {
		snprintf(env->reason, sizeof(env->reason),
			 "device 0 has no CPU address mirror support (DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR clear)");
		return;
	}

	fd = xe_open(dev->path);
	if (fd < 0) {
		snprintf(env->reason, sizeof(env->reason), "open %s: %s",
			 dev->path, strerror(-fd));
		env->status = ST_FAIL;
		return;
	}

	err = xe_vm_create(fd, DRM_XE_VM_CREATE_FLAG_LR_MODE |
			   DRM_XE_VM_CREATE_FLAG_FAULT_MODE, &vm);
	if (err) {
		snprintf(env->reason, sizeof(env->reason),
			 "no fault-mode VMs: DRM_IOCTL_XE_VM_CREATE(LR_MODE|FAULT_MODE): %s",
			 strerror(-err));
		vm = 0;
		goto out;
	}

	/* Any unused, page aligned CPU range will do for the probe binds. */
	area = mmap(NULL, 2 * SZ_1M, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED) {
		area = NULL;
		snprintf(env->reason, sizeof(env->reason), "mmap: %s",
			 strerror(errno));
		env->status = ST_FAIL;
		goto out;
	}

	/* A plain mirror bind first, to tell the two -EINVAL cases apart. */
	err = xe_vm_bind_mirror(fd, vm, to_user_pointer(area), SZ_1M, 0,
				PAT_BIND, false);
	if (err) {
		snprintf(env->reason, sizeof(env->reason),
			 "CPU address mirror bind failed: DRM_IOCTL_XE_VM_BIND: %s",
			 strerror(-err));
		if (err != -EINVAL && err != -EOPNOTSUPP)
			env->status = ST_FAIL;
		goto out;
	}
	err = xe_vm_bind_mirror(fd, vm, to_user_pointer(area) + SZ_1M, SZ_1M,
				DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET,
				PAT_BIND, false);
	if (err) {
		snprintf(env->reason, sizeof(env->reason),
			 err == -EINVAL ?
			 "kernel lacks DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET (DRM_IOCTL_XE_VM_BIND: %s)" :
			 "DRM_IOCTL_XE_VM_BIND with MADVISE_AUTORESET: %s",
			 strerror(-err));
		if (err != -EINVAL)
			env->status = ST_FAIL;
		goto out;
	}
	err = xe_query_mem_range_attrs(fd, vm, to_user_pointer(area),
				       2 * SZ_1M, r, XE_MAX_RANGE_ATTRS, &num,
				       false);
	if (err) {
		snprintf(env->reason, sizeof(env->reason),
			 "DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS: %s",
			 strerror(-err));
		if (err != -EINVAL && err != -ENOTTY)
			env->status = ST_FAIL;
		goto out;
	}

	env->status = ST_PASS;
out:
	if (vm)
		xe_vm_destroy(fd, vm);
	if (area)
		munmap(area, 2 * SZ_1M);
	close(fd);
}

/* Watchdog: report the running subtest as failed and stop. */
static char wd_line[256];
static char wd_summary[96];

static void watchdog_fired(int sig)
{
	ssize_t ret;

	(void)sig;
	ret = write(STDOUT_FILENO, wd_line, strlen(wd_line));
	ret = write(STDOUT_FILENO, wd_summary, strlen(wd_summary));
	(void)ret;
	_exit(1);
}

static void watchdog_arm(const struct subtest *st, int passed, int failed,
			 int skipped)
{
	snprintf(wd_line, sizeof(wd_line),
		 "\nSUBTEST %s: FAIL (watchdog: still running after %u s)\n",
		 st->name, st->timeout_s);
	snprintf(wd_summary, sizeof(wd_summary),
		 "%d passed, %d failed, %d skipped\n", passed, failed + 1,
		 skipped);
	signal(SIGALRM, watchdog_fired);
	alarm(st->timeout_s);
}

static void usage(const char *argv0, FILE *f)
{
	fprintf(f,
		"Usage: %s [--list] [--run NAME]\n"
		"  --list      print the subtest names and exit\n"
		"  --run NAME  run only subtest NAME\n"
		"Exit status: 0 all passed, 1 failure, 77 everything skipped\n",
		argv0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "run", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Static stdout buffer: printf must not malloc (see brk-shrink). */
	static char outbuf[8192];
	static struct env env;
	const char *only = NULL;
	int passed = 0, failed = 0, skipped = 0;
	unsigned int i;
	int c;

	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));

	while ((c = getopt_long(argc, argv, "lr:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			for (i = 0; i < ARRAY_SIZE(subtests); i++)
				printf("%s\n", subtests[i].name);
			return 0;
		case 'r':
			only = optarg;
			break;
		case 'h':
			usage(argv[0], stdout);
			return 0;
		default:
			usage(argv[0], stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(argv[0], stderr);
		return 2;
	}
	if (only) {
		for (i = 0; i < ARRAY_SIZE(subtests); i++)
			if (!strcmp(subtests[i].name, only))
				break;
		if (i == ARRAY_SIZE(subtests)) {
			fprintf(stderr, "unknown subtest '%s' (see --list)\n",
				only);
			return 2;
		}
	}

	probe_env(&env);

	for (i = 0; i < ARRAY_SIZE(subtests); i++) {
		const struct subtest *st = &subtests[i];
		struct test t = { .env = &env, .status = ST_PASS };

		if (only && strcmp(st->name, only))
			continue;

		if (env.status != ST_PASS) {
			t.status = env.status;
			snprintf(t.msg, sizeof(t.msg), "%s", env.reason);
		} else {
			watchdog_arm(st, passed, failed, skipped);
			st->fn(&t);
			alarm(0);
		}

		switch (t.status) {
		case ST_PASS:
			printf("SUBTEST %s: SUCCESS\n", st->name);
			passed++;
			break;
		case ST_FAIL:
			printf("SUBTEST %s: FAIL (%s)\n", st->name, t.msg);
			failed++;
			break;
		case ST_SKIP:
			printf("SUBTEST %s: SKIP (%s)\n", st->name, t.msg);
			skipped++;
			break;
		}
		fflush(stdout);
	}

	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	fflush(stdout);

	if (failed)
		return 1;
	return passed ? 0 : EXIT_SKIP;
}
