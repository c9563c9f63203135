// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the debug run's initramfs. KUnit has run by the time the kernel
 * starts it: let kmemleak scan (twice, as its documentation advises, after
 * the minimum object age), print its report on the console between
 * markers, and power the guest off.
 *
 * The end marker is printed only when the whole report was read: anything
 * that goes wrong prints a "kmemleak-init: cannot ..." line instead, which
 * scripts/ktap.py takes as a failure, never as "no leaks".
 *
 * -DSELFTEST builds it for the host (make test's self-test): no mount, no
 * waiting, no power-off, and the directory given by -DKMEMLEAK_DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KMEMLEAK_DIR
#define KMEMLEAK_DIR "/d"
#endif
#define KMEMLEAK_FILE KMEMLEAK_DIR "/kmemleak"

static int scan(void)
{
	int fd = open(KMEMLEAK_FILE, O_WRONLY);
	int ok = fd >= 0 && write(fd, "scan", 4) == 4;

	if (!ok)
		printf("kmemleak-init: cannot trigger a scan: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Copy the report to the console; 0 if it could not be read to its end. */
static int report(void)
{
	char buf[4096], last = '\n';
	ssize_t n;
	int fd;

	fd = open(KMEMLEAK_FILE, O_RDONLY);
	if (fd < 0) {
		printf("kmemleak-init: cannot open %s: %s\n", KMEMLEAK_FILE, strerror(errno));
		return 0;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, n, stdout);
		last = buf[n - 1];
	}
	/* The end marker goes on a line of its own. */
	if (last != '\n')
		putchar('\n');
	if (n < 0)
		printf("kmemleak-init: cannot read %s: %s\n", KMEMLEAK_FILE, strerror(errno));
	close(fd);
	return n == 0;
}

int main(void)
{
	int ok = 1;

#ifndef SELFTEST
	mkdir(KMEMLEAK_DIR, 0755);
	if (mount("debugfs", KMEMLEAK_DIR, "debugfs", 0, NULL)) {
		printf("kmemleak-init: cannot mount debugfs: %s\n", strerror(errno));
		ok = 0;
	}
	sleep(6);
#endif
	ok &= scan();
#ifndef SELFTEST
	sleep(6);
#endif
	ok &= scan();
	printf("kmemleak-init: report begins\n");
	fflush(stdout);
	ok &= report();
	/* Only a report read in full, after two scans, has an end. */
	if (ok)
		printf("kmemleak-init: report ends\n");
	fflush(stdout);
#ifndef SELFTEST
	sync();
	reboot(RB_POWER_OFF);
#endif
	return !ok;
}
