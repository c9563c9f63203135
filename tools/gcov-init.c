// SPDX-License-Identifier: GPL-2.0
/*
 * /init of make coverage's initramfs (scripts/coverage.sh). KUnit has run
 * by the time the kernel starts it: mount debugfs, walk the gcov directory
 * and copy every .gcda file in it to the console, then power the guest off.
 *
 * Each file goes out as text, so that the serial console carries it:
 *
 *   gcov-init: begin PATH
 *   gcov-init: data BASE64          (48 bytes of the file a line)
 *   gcov-init: end PATH SIZE CRC32  (CRC32 as zlib computes it, in hex)
 *
 * PATH is the file's path below the gcov directory (the build's object
 * directory, without its leading slash). After the last file comes
 * "gcov-init: done N" (N files); anything that goes wrong prints a
 * "gcov-init: cannot ..." line and no "done" line, so that the host never
 * takes a partial copy for a whole one. The console log level is lowered
 * while the files are printed, so that kernel messages do not cut their
 * lines.
 *
 * -DHOST builds it for the host (to try the encoding): no mount, no log
 * level, no power-off, and the directory given by -DGCOV_DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DEBUGFS_DIR
#define DEBUGFS_DIR "/d"
#endif
#ifndef GCOV_DIR
#define GCOV_DIR DEBUGFS_DIR "/gcov"
#endif

/* syslog(2) actions: set the console log level, and its default. */
#define CONSOLE_LEVEL_ACTION 8
#define QUIET_LEVEL 1
#define NORMAL_LEVEL 7

static unsigned int files;

static unsigned long crc32_update(unsigned long crc, const unsigned char *p, size_t n)
{
	int bit;

	crc = ~crc & 0xffffffffUL;
	while (n--) {
		crc ^= *p++;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320UL & (0UL - (crc & 1)));
	}
	return ~crc & 0xffffffffUL;
}

/* One "data" line: up to 48 bytes as base64 (64 characters at most). */
static void put_line(const unsigned char *p, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[80];
	size_t i, k = 0;

	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[k++] = alphabet[(v >> 18) & 63];
		out[k++] = alphabet[(v >> 12) & 63];
		out[k++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[k++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	out[k] = '\0';
	printf("gcov-init: data %s\n", out);
}

/*
 * Copy one .gcda file to the console. debugfs gives no size for them: read
 * to the end. Returns 0 if the file could not be read to its end.
 */
static int put_file(const char *path, const char *name)
{
	unsigned char buf[48];
	unsigned long crc = 0, size = 0;
	size_t have = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("gcov-init: cannot open %s: %s\n", path, strerror(errno));
		return 0;
	}
	printf("gcov-init: begin %s\n", name);
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		crc = crc32_update(crc, buf + have, n);
		size += n;
		have += n;
		if (have == sizeof(buf)) {
			put_line(buf, have);
			have = 0;
		}
	}
	if (n < 0) {
		printf("gcov-init: cannot read %s: %s\n", path, strerror(errno));
		close(fd);
		return 0;
	}
	if (have)
		put_line(buf, have);
	close(fd);
	printf("gcov-init: end %s %lu %08lx\n", name, size, crc);
	fflush(stdout);
	files++;
	return 1;
}

/* Walk DIR (NAME below the gcov directory) for .gcda files. */
static int walk(const char *dir, const char *name)
{
	struct dirent *e;
	int ok = 1;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		printf("gcov-init: cannot open %s: %s\n", dir, strerror(errno));
		return 0;
	}
	while (ok && (e = readdir(d))) {
		char path[4096], sub[4096];
		struct stat st;
		size_t len;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    snprintf(sub, sizeof(sub), "%s%s%s", name, *name ? "/" : "",
			     e->d_name) >= (int)sizeof(sub)) {
			printf("gcov-init: cannot walk %s: path too long\n", dir);
			ok = 0;
			break;
		}
		/* The .gcno entries are symbolic links: lstat() skips them. */
		if (lstat(path, &st)) {
			printf("gcov-init: cannot stat %s: %s\n", path, strerror(errno));
			ok = 0;
		} else if (S_ISDIR(st.st_mode)) {
			ok = walk(path, sub);
		} else if (S_ISREG(st.st_mode)) {
			len = strlen(e->d_name);
			if (len > 5 && !strcmp(e->d_name + len - 5, ".gcda"))
				ok = put_file(path, sub);
		}
	}
	closedir(d);
	return ok;
}

int main(void)
{
	int ok = 1;

#ifndef HOST
	mkdir(DEBUGFS_DIR, 0755);
	if (mount("debugfs", DEBUGFS_DIR, "debugfs", 0, NULL)) {
		printf("gcov-init: cannot mount debugfs: %s\n", strerror(errno));
		ok = 0;
	}
	klogctl(CONSOLE_LEVEL_ACTION, NULL, QUIET_LEVEL);
#endif
	printf("gcov-init: copying %s\n", GCOV_DIR);
	fflush(stdout);
	if (ok)
		ok = walk(GCOV_DIR, "");
	if (ok)
		printf("gcov-init: done %u\n", files);
	fflush(stdout);
#ifndef HOST
	klogctl(CONSOLE_LEVEL_ACTION, NULL, NORMAL_LEVEL);
	sync();
	reboot(RB_POWER_OFF);
#endif
	return !ok;
}
