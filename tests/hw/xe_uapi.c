// SPDX-License-Identifier: MIT
/*
 * xe uAPI helpers for the hardware tests: device discovery, VM / bind /
 * madvise / query wrappers and batch submission with user fences.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "xe_uapi.h"

/*
 * Compile-time checks of the uAPI layout this program relies on. If the
 * headers given in HDRS do not match the layout the tests were written
 * against, the build fails here instead of the tests passing garbage to
 * the kernel.
 */
#define CHECK_SIZE(type, size) \
	static_assert(sizeof(struct type) == (size), #type " size")
#define CHECK_OFF(type, member, off) \
	static_assert(offsetof(struct type, member) == (off), \
		      #type "." #member " offset")

CHECK_SIZE(drm_xe_vm_create, 32);
CHECK_OFF(drm_xe_vm_create, flags, 8);
CHECK_OFF(drm_xe_vm_create, vm_id, 12);
CHECK_SIZE(drm_xe_vm_destroy, 24);

CHECK_SIZE(drm_xe_vm_bind_op, 80);
CHECK_OFF(drm_xe_vm_bind_op, obj, 8);
CHECK_OFF(drm_xe_vm_bind_op, pat_index, 12);
CHECK_OFF(drm_xe_vm_bind_op, cpu_addr_mirror_offset, 16);
CHECK_OFF(drm_xe_vm_bind_op, range, 24);
CHECK_OFF(drm_xe_vm_bind_op, addr, 32);
CHECK_OFF(drm_xe_vm_bind_op, op, 40);
CHECK_OFF(drm_xe_vm_bind_op, flags, 44);
CHECK_SIZE(drm_xe_vm_bind, 136);
CHECK_OFF(drm_xe_vm_bind, vm_id, 8);
CHECK_OFF(drm_xe_vm_bind, num_binds, 20);
CHECK_OFF(drm_xe_vm_bind, bind, 24);
CHECK_OFF(drm_xe_vm_bind, num_syncs, 108);
CHECK_OFF(drm_xe_vm_bind, syncs, 112);

CHECK_SIZE(drm_xe_madvise, 64);
CHECK_OFF(drm_xe_madvise, start, 8);
CHECK_OFF(drm_xe_madvise, range, 16);
CHECK_OFF(drm_xe_madvise, vm_id, 24);
CHECK_OFF(drm_xe_madvise, type, 28);
CHECK_OFF(drm_xe_madvise, preferred_mem_loc.devmem_fd, 32);
CHECK_OFF(drm_xe_madvise, preferred_mem_loc.migration_policy, 36);
CHECK_OFF(drm_xe_madvise, preferred_mem_loc.region_instance, 38);
CHECK_OFF(drm_xe_madvise, atomic.val, 32);
CHECK_OFF(drm_xe_madvise, pat_index.val, 32);
CHECK_OFF(drm_xe_madvise, reserved, 48);

CHECK_SIZE(drm_xe_mem_range_attr, 64);
CHECK_OFF(drm_xe_mem_range_attr, start, 8);
CHECK_OFF(drm_xe_mem_range_attr, end, 16);
CHECK_OFF(drm_xe_mem_range_attr, preferred_mem_loc.devmem_fd, 24);
CHECK_OFF(drm_xe_mem_range_attr, preferred_mem_loc.migration_policy, 28);
CHECK_OFF(drm_xe_mem_range_attr, atomic.val, 32);
CHECK_OFF(drm_xe_mem_range_attr, pat_index.val, 40);

CHECK_SIZE(drm_xe_vm_query_mem_range_attr, 64);
CHECK_OFF(drm_xe_vm_query_mem_range_attr, vm_id, 8);
CHECK_OFF(drm_xe_vm_query_mem_range_attr, num_mem_ranges, 12);
CHECK_OFF(drm_xe_vm_query_mem_range_attr, start, 16);
CHECK_OFF(drm_xe_vm_query_mem_range_attr, range, 24);
CHECK_OFF(drm_xe_vm_query_mem_range_attr, sizeof_mem_range_attr, 32);
CHECK_OFF(drm_xe_vm_query_mem_range_attr, vector_of_mem_attr, 40);

CHECK_SIZE(drm_xe_engine_class_instance, 8);
CHECK_SIZE(drm_xe_engine, 32);
CHECK_SIZE(drm_xe_query_engines, 8);
CHECK_SIZE(drm_xe_mem_region, 88);
CHECK_SIZE(drm_xe_query_mem_regions, 8);
CHECK_SIZE(drm_xe_query_config, 8);
CHECK_SIZE(drm_xe_gt, 96);
CHECK_OFF(drm_xe_gt, ip_ver_major, 32);
CHECK_OFF(drm_xe_gt, ip_ver_minor, 34);
CHECK_SIZE(drm_xe_query_gt_list, 8);
CHECK_SIZE(drm_xe_device_query, 40);

CHECK_SIZE(drm_xe_exec_queue_create, 48);
CHECK_OFF(drm_xe_exec_queue_create, vm_id, 12);
CHECK_OFF(drm_xe_exec_queue_create, exec_queue_id, 20);
CHECK_OFF(drm_xe_exec_queue_create, instances, 24);
CHECK_SIZE(drm_xe_exec_queue_destroy, 24);
CHECK_SIZE(drm_xe_sync, 48);
CHECK_OFF(drm_xe_sync, type, 8);
CHECK_OFF(drm_xe_sync, flags, 12);
CHECK_OFF(drm_xe_sync, addr, 16);
CHECK_OFF(drm_xe_sync, timeline_value, 24);
CHECK_SIZE(drm_xe_exec, 56);
CHECK_OFF(drm_xe_exec, syncs, 16);
CHECK_OFF(drm_xe_exec, address, 24);
CHECK_OFF(drm_xe_exec, num_batch_buffer, 32);
CHECK_SIZE(drm_xe_wait_user_fence, 72);
CHECK_OFF(drm_xe_wait_user_fence, op, 16);
CHECK_OFF(drm_xe_wait_user_fence, value, 24);
CHECK_OFF(drm_xe_wait_user_fence, mask, 32);
CHECK_OFF(drm_xe_wait_user_fence, timeout, 40);
CHECK_OFF(drm_xe_wait_user_fence, exec_queue_id, 48);

/* The special preferred-location values are compared as __u32 below. */
static_assert(DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE == 0, "default device");
static_assert((uint32_t)DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM == 0xffffffffu,
	      "default system");

const char *xe_last_failed_ioctl = "";

int xe_ioctl_named(int fd, unsigned long req, void *arg, const char *name,
		   bool quiet)
{
	int err;

	/* drmIoctl() restarts on EINTR / EAGAIN for us. */
	if (drmIoctl(fd, req, arg) == 0)
		return 0;

	err = errno;
	xe_last_failed_ioctl = name;
	if (!quiet)
		printf("  ioctl %s failed: %s (errno %d)\n", name,
		       strerror(err), err);
	errno = err;
	return -err;
}

/* ---------------------------------------------------------------------- */
/* Device discovery                                                       */
/* ---------------------------------------------------------------------- */

int xe_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

bool xe_fd_is_xe(int fd)
{
	drmVersionPtr ver = drmGetVersion(fd);
	bool ret;

	if (!ver)
		return false;
	ret = ver->name && strcmp(ver->name, "xe") == 0;
	drmFreeVersion(ver);
	return ret;
}

static int cmp_minor(const void *a, const void *b)
{
	const struct xe_devinfo *x = a, *y = b;

	return (int)x->minor - (int)y->minor;
}

/*
 * Collect every /dev/dri/renderD* node whose DRM driver name is "xe",
 * sorted by minor number so that "device 0" and "device 1" are stable.
 */
int xe_find_devices(struct xe_devinfo *devs, int max)
{
	struct dirent *de;
	DIR *dir;
	int n = 0;

	dir = opendir("/dev/dri");
	if (!dir)
		return 0;

	while ((de = readdir(dir)) && n < max) {
		unsigned int minor;
		char path[64];
		int fd;

		if (sscanf(de->d_name, "renderD%u", &minor) != 1)
			continue;
		snprintf(path, sizeof(path), "/dev/dri/renderD%u", minor);
		fd = xe_open(path);
		if (fd < 0)
			continue;
		if (xe_fd_is_xe(fd)) {
			memset(&devs[n], 0, sizeof(devs[n]));
			snprintf(devs[n].path, sizeof(devs[n].path), "%s", path);
			devs[n].minor = minor;
			devs[n].vram_instance = -1;
			xe_pci_slot_of_fd(fd, devs[n].pci_slot,
					  sizeof(devs[n].pci_slot));
			n++;
		}
		close(fd);
	}
	closedir(dir);

	qsort(devs, n, sizeof(*devs), cmp_minor);
	return n;
}

/* Resolve the PCI slot ("0000:03:00.0") behind a DRM character device. */
int xe_pci_slot_of_fd(int fd, char *buf, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return -ENODEV;

	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';

	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	snprintf(buf, len, "%s", base);
	return 0;
}

/* Two-call DRM_IOCTL_XE_DEVICE_QUERY; returns malloc()ed data or NULL. */
static void *xe_device_query(int fd, uint32_t query, int *err)
{
	struct drm_xe_device_query q = { .query = query };
	void *data;

	*err = xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (*err)
		return NULL;

	data = calloc(1, q.size);
	if (!data) {
		*err = -ENOMEM;
		return NULL;
	}

	q.data = to_user_pointer(data);
	*err = xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (*err) {
		free(data);
		return NULL;
	}
	return data;
}

/*
 * Fill in config, graphics version, engine and VRAM information. On error
 * dev->probed stays false and dev->probe_err says why.
 */
void xe_probe_device(struct xe_devinfo *dev)
{
	struct drm_xe_query_mem_regions *regions = NULL;
	struct drm_xe_query_engines *engines = NULL;
	struct drm_xe_query_config *config = NULL;
	struct drm_xe_query_gt_list *gts = NULL;
	int fd, err;
	uint32_t i;

	fd = xe_open(dev->path);
	if (fd < 0) {
		snprintf(dev->probe_err, sizeof(dev->probe_err),
			 "open %s: %s", dev->path, strerror(-fd));
		return;
	}

	config = xe_device_query(fd, DRM_XE_DEVICE_QUERY_CONFIG, &err);
	if (!config)
		goto query_failed;
	if (config->num_params > DRM_XE_QUERY_CONFIG_FLAGS)
		dev->config_flags = config->info[DRM_XE_QUERY_CONFIG_FLAGS];
	if (config->num_params > DRM_XE_QUERY_CONFIG_VA_BITS)
		dev->va_bits = config->info[DRM_XE_QUERY_CONFIG_VA_BITS];

	gts = xe_device_query(fd, DRM_XE_DEVICE_QUERY_GT_LIST, &err);
	if (!gts)
		goto query_failed;
	for (i = 0; i < gts->num_gt; i++) {
		if (gts->gt_list[i].type == DRM_XE_QUERY_GT_TYPE_MAIN) {
			dev->gfx_major = gts->gt_list[i].ip_ver_major;
			dev->gfx_minor = gts->gt_list[i].ip_ver_minor;
			break;
		}
	}

	engines = xe_device_query(fd, DRM_XE_DEVICE_QUERY_ENGINES, &err);
	if (!engines)
		goto query_failed;
	/* Prefer the render engine, fall back to the first compute engine. */
	for (i = 0; i < engines->num_engines; i++) {
		const struct drm_xe_engine_class_instance *e =
			&engines->engines[i].instance;

		if (e->engine_class == DRM_XE_ENGINE_CLASS_RENDER ||
		    (e->engine_class == DRM_XE_ENGINE_CLASS_COMPUTE &&
		     !dev->has_engine)) {
			dev->engine = *e;
			dev->has_engine = true;
			if (e->engine_class == DRM_XE_ENGINE_CLASS_RENDER)
				break;
		}
	}

	regions = xe_device_query(fd, DRM_XE_DEVICE_QUERY_MEM_REGIONS, &err);
	if (!regions)
		goto query_failed;
	for (i = 0; i < regions->num_mem_regions; i++) {
		if (regions->mem_regions[i].mem_class ==
		    DRM_XE_MEM_REGION_CLASS_VRAM) {
			dev->vram_instance = regions->mem_regions[i].instance;
			break;
		}
	}

	dev->probed = true;
	goto out;

query_failed:
	snprintf(dev->probe_err, sizeof(dev->probe_err),
		 "%s: %s", xe_last_failed_ioctl, strerror(-err));
out:
	free(regions);
	free(engines);
	free(gts);
	free(config);
	close(fd);
}

/* ---------------------------------------------------------------------- */
/* VMs, binds, madvise and attribute queries                              */
/* ---------------------------------------------------------------------- */

int xe_vm_create(int fd, uint32_t flags, uint32_t *vm)
{
	struct drm_xe_vm_create create = { .flags = flags };
	int err;

	err = xe_ioctl(fd, DRM_IOCTL_XE_VM_CREATE, &create);
	if (!err)
		*vm = create.vm_id;
	return err;
}

int xe_vm_destroy(int fd, uint32_t vm)
{
	struct drm_xe_vm_destroy destroy = { .vm_id = vm };

	return xe_ioctl(fd, DRM_IOCTL_XE_VM_DESTROY, &destroy);
}

/*
 * Reserve [addr, addr + range) of the VM as CPU address mirror (GPU VA ==
 * CPU VA, cpu_addr_mirror_offset 0). The bind completion is waited for
 * with a user fence written by the kernel to a CPU address.
 */
int xe_vm_bind_mirror(int fd, uint32_t vm, uint64_t addr, uint64_t range,
		      uint32_t extra_flags, uint16_t pat_index, bool quiet)
{
	/* Static: the kernel may write it after the ioctl returned. */
	static uint64_t bind_fence __attribute__((aligned(8)));
	static uint64_t seqno;
	struct drm_xe_sync sync = {
		.type = DRM_XE_SYNC_TYPE_USER_FENCE,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL,
		.addr = to_user_pointer(&bind_fence),
		.timeline_value = ++seqno,
	};
	struct drm_xe_vm_bind bind = {
		.vm_id = vm,
		.num_binds = 1,
		.bind = {
			.obj = 0,
			.pat_index = pat_index,
			.cpu_addr_mirror_offset = 0,
			.range = range,
			.addr = addr,
			.op = DRM_XE_VM_BIND_OP_MAP,
			.flags = DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR |
				 extra_flags,
		},
		.num_syncs = 1,
		.syncs = to_user_pointer(&sync),
	};
	int err;

	bind_fence = 0;
	err = xe_ioctl_named(fd, DRM_IOCTL_XE_VM_BIND, &bind,
			     "DRM_IOCTL_XE_VM_BIND", quiet);
	if (err)
		return err;

	return xe_wait_ufence(fd, &bind_fence, sync.timeline_value, 0,
			      5000 * NSEC_PER_MSEC);
}

static int xe_madvise(int fd, struct drm_xe_madvise *m, bool quiet)
{
	return xe_ioctl_named(fd, DRM_IOCTL_XE_MADVISE, m,
			      "DRM_IOCTL_XE_MADVISE", quiet);
}

int xe_madvise_pat(int fd, uint32_t vm, uint64_t start, uint64_t range,
		   uint32_t pat_index)
{
	struct drm_xe_madvise m = {
		.start = start,
		.range = range,
		.vm_id = vm,
		.type = DRM_XE_MEM_RANGE_ATTR_PAT,
		.pat_index.val = pat_index,
	};

	return xe_madvise(fd, &m, false);
}

int xe_madvise_atomic(int fd, uint32_t vm, uint64_t start, uint64_t range,
		      uint32_t val)
{
	struct drm_xe_madvise m = {
		.start = start,
		.range = range,
		.vm_id = vm,
		.type = DRM_XE_MEM_RANGE_ATTR_ATOMIC,
		.atomic.val = val,
	};

	return xe_madvise(fd, &m, false);
}

int xe_madvise_prefloc(int fd, uint32_t vm, uint64_t start, uint64_t range,
		       uint32_t devmem_fd, uint16_t migration_policy,
		       uint16_t region_instance, bool quiet)
{
	struct drm_xe_madvise m = {
		.start = start,
		.range = range,
		.vm_id = vm,
		.type = DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC,
		.preferred_mem_loc = {
			.devmem_fd = devmem_fd,
			.migration_policy = migration_policy,
			.region_instance = region_instance,
		},
	};

	return xe_madvise(fd, &m, quiet);
}

/*
 * Query the attributes of every VMA intersecting [start, start + range).
 * First call with num_mem_ranges = 0, sizeof_mem_range_attr = 0 and no
 * vector to learn the count and the kernel's entry size, second call to
 * fill the array. -ENOSPC on the second call means the VMA layout changed
 * in between; the uAPI documentation says to simply start over.
 */
int xe_query_mem_range_attrs(int fd, uint32_t vm, uint64_t start,
			     uint64_t range, struct drm_xe_mem_range_attr *out,
			     unsigned int max, unsigned int *num, bool quiet)
{
	int tries, err = -ENOSPC;

	for (tries = 0; tries < 5 && err == -ENOSPC; tries++) {
		struct drm_xe_vm_query_mem_range_attr q = {
			.vm_id = vm,
			.start = start,
			.range = range,
		};

		err = xe_ioctl_named(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS,
				     &q, "DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS",
				     quiet);
		if (err)
			return err;

		if (q.sizeof_mem_range_attr != sizeof(*out)) {
			xe_last_failed_ioctl =
				"DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS";
			printf("  DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS: kernel entry size %llu != %zu\n",
			       (unsigned long long)q.sizeof_mem_range_attr,
			       sizeof(*out));
			return -EPROTO;
		}
		if (q.num_mem_ranges > max) {
			xe_last_failed_ioctl =
				"DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS";
			printf("  DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS: %u ranges, more than %u\n",
			       q.num_mem_ranges, max);
			return -E2BIG;
		}
		if (q.num_mem_ranges == 0) {
			*num = 0;
			return 0;
		}

		memset(out, 0, sizeof(*out) * q.num_mem_ranges);
		q.vector_of_mem_attr = to_user_pointer(out);
		/* ENOSPC is retried silently; anything else is reported. */
		err = xe_ioctl_named(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS,
				     &q, "DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS",
				     true);
		if (!err)
			*num = q.num_mem_ranges;
		else if (err != -ENOSPC && !quiet)
			printf("  ioctl DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS failed: %s (errno %d)\n",
			       strerror(-err), -err);
	}

	return err;
}

/* ---------------------------------------------------------------------- */
/* Submission                                                             */
/* ---------------------------------------------------------------------- */

int xe_exec_queue_create(int fd, uint32_t vm,
			 const struct drm_xe_engine_class_instance *eci,
			 uint32_t *queue)
{
	struct drm_xe_engine_class_instance instance = *eci;
	struct drm_xe_exec_queue_create create = {
		.width = 1,
		.num_placements = 1,
		.vm_id = vm,
		.instances = to_user_pointer(&instance),
	};
	int err;

	err = xe_ioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &create);
	if (!err)
		*queue = create.exec_queue_id;
	return err;
}

int xe_exec_queue_destroy(int fd, uint32_t queue)
{
	struct drm_xe_exec_queue_destroy destroy = { .exec_queue_id = queue };

	return xe_ioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &destroy);
}

/*
 * Submit the batch at GPU VA @batch_addr. The kernel appends a store of
 * @fence_value to the GPU VA @fence_addr after the batch completes; in a
 * fault-mode VM syncobj out-fences are not allowed, user fences are.
 */
int xe_exec_ufence(int fd, uint32_t queue, uint64_t batch_addr,
		   uint64_t fence_addr, uint64_t fence_value)
{
	struct drm_xe_sync sync = {
		.type = DRM_XE_SYNC_TYPE_USER_FENCE,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL,
		.addr = fence_addr,
		.timeline_value = fence_value,
	};
	struct drm_xe_exec exec = {
		.exec_queue_id = queue,
		.num_syncs = 1,
		.syncs = to_user_pointer(&sync),
		.address = batch_addr,
		.num_batch_buffer = 1,
	};

	return xe_ioctl(fd, DRM_IOCTL_XE_EXEC, &exec);
}

/* Wait until *addr == value; -ETIME when @timeout_ns expires. */
int xe_wait_ufence(int fd, uint64_t *addr, uint64_t value, uint32_t queue,
		   int64_t timeout_ns)
{
	struct drm_xe_wait_user_fence wait = {
		.addr = to_user_pointer(addr),
		.op = DRM_XE_UFENCE_WAIT_OP_EQ,
		.value = value,
		.mask = ~0ull,
		.timeout = timeout_ns,
		.exec_queue_id = queue,
	};

	return xe_ioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &wait);
}
