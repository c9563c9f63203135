/* SPDX-License-Identifier: MIT */
/*
 * Thin helpers around the xe uAPI (include/uapi/drm/xe_drm.h) for the
 * hardware tests in this directory. Every helper returns 0 on success or a
 * negative errno; a failing ioctl is reported on stdout with its name and
 * strerror(errno) before the helper returns.
 */
#ifndef XE_UAPI_H
#define XE_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/xe_drm.h>

#define SZ_4K		0x1000ull
#define SZ_64K		0x10000ull
#define SZ_256K		0x40000ull
#define SZ_1M		0x100000ull
#define SZ_2M		0x200000ull
#define SZ_256M		0x10000000ull

#define ALIGN_UP(x, a)	(((uint64_t)(x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define to_user_pointer(p)	((uint64_t)(uintptr_t)(p))
#define lower_32_bits(x)	((uint32_t)((uint64_t)(x) & 0xffffffffu))
#define upper_32_bits(x)	((uint32_t)((uint64_t)(x) >> 32))

#define NSEC_PER_MSEC	1000000ll

/* Upper bound on the number of mem-range attribute entries we query. */
#define XE_MAX_RANGE_ATTRS	256

/* What we learnt about one xe device at discovery time. */
struct xe_devinfo {
	char path[64];			/* /dev/dri/renderDNNN */
	unsigned int minor;		/* render node minor, for sorting */
	char pci_slot[32];		/* e.g. 0000:03:00.0, "" if unknown */
	char probe_err[160];		/* why querying the device failed */
	bool probed;			/* config/GT/engine queries succeeded */
	uint16_t gfx_major;		/* graphics IP version (GMD_ID) */
	uint16_t gfx_minor;
	uint64_t config_flags;		/* DRM_XE_QUERY_CONFIG_FLAGS */
	uint32_t va_bits;
	int vram_instance;		/* first VRAM region instance or -1 */
	bool has_engine;		/* a render or compute engine exists */
	struct drm_xe_engine_class_instance engine;
};

/* Name of the last ioctl that failed (for error messages). */
extern const char *xe_last_failed_ioctl;

int xe_ioctl_named(int fd, unsigned long req, void *arg, const char *name,
		   bool quiet);
#define xe_ioctl(fd, req, arg)	xe_ioctl_named(fd, req, arg, #req, false)
/* For probes whose failure is an expected, non-error outcome. */
#define xe_ioctl_quiet(fd, req, arg) xe_ioctl_named(fd, req, arg, #req, true)

/* Device discovery. */
int xe_find_devices(struct xe_devinfo *devs, int max);
int xe_open(const char *path);
bool xe_fd_is_xe(int fd);
void xe_probe_device(struct xe_devinfo *dev);
int xe_pci_slot_of_fd(int fd, char *buf, size_t len);

/* VMs and bindings. */
int xe_vm_create(int fd, uint32_t flags, uint32_t *vm);
int xe_vm_destroy(int fd, uint32_t vm);
int xe_vm_bind_mirror(int fd, uint32_t vm, uint64_t addr, uint64_t range,
		      uint32_t extra_flags, uint16_t pat_index, bool quiet);

/* DRM_IOCTL_XE_MADVISE, one attribute type per call. */
int xe_madvise_pat(int fd, uint32_t vm, uint64_t start, uint64_t range,
		   uint32_t pat_index);
int xe_madvise_atomic(int fd, uint32_t vm, uint64_t start, uint64_t range,
		      uint32_t val);
int xe_madvise_prefloc(int fd, uint32_t vm, uint64_t start, uint64_t range,
		       uint32_t devmem_fd, uint16_t migration_policy,
		       uint16_t region_instance, bool quiet);

/* DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, two-call pattern. */
int xe_query_mem_range_attrs(int fd, uint32_t vm, uint64_t start,
			     uint64_t range, struct drm_xe_mem_range_attr *out,
			     unsigned int max, unsigned int *num, bool quiet);

/* Exec queues, submission and user fences. */
int xe_exec_queue_create(int fd, uint32_t vm,
			 const struct drm_xe_engine_class_instance *eci,
			 uint32_t *queue);
int xe_exec_queue_destroy(int fd, uint32_t queue);
int xe_exec_ufence(int fd, uint32_t queue, uint64_t batch_addr,
		   uint64_t fence_addr, uint64_t fence_value);
int xe_wait_ufence(int fd, uint64_t *addr, uint64_t value, uint32_t queue,
		   int64_t timeout_ns);

#endif /* XE_UAPI_H */
