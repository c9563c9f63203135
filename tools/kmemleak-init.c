// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the KUnit runs' initramfs. KUnit has run by the time the kernel
 * starts it: print lockdep's state ("lockdep-state: debug_locks=N", read
 * from /proc/lockdep_stats: 0 once lockdep turned itself off, which it
 * does not always say on the console), then let kmemleak scan (twice, as
 * its documentation advises, after the minimum object age), print its
 * report on the console between markers, and power the guest off.
 * -DNO_KMEMLEAK leaves kmemleak out (the main configuration's run).
 *
 * The end marker is printed only when the whole report was read: anything
 * that goes wrong prints a "kmemleak-init: cannot ..." line instead, which
 * scripts/ktap.py takes as a failure, never as "no leaks".
 *
 * -DSELFTEST builds it for the host (make test's self-test): no mount, no
 * waiting, no power-off, and the directories given by -DKMEMLEAK_DIR and
 * -DPROC_DIR.
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
#ifndef PROC_DIR
#define PROC_DIR "/proc"
#endif
#define LOCKDEP_FILE PROC_DIR "/lockdep_stats"

/*
 * Lockdep's state: the debug_locks line of /proc/lockdep_stats. Anything
 * else than a value read there prints "lockdep-state: cannot ...", which
 * scripts/ktap.py takes as a failure.
 */
static void lockdep_state(void)
{
	char line[256];
	unsigned int on;
	int found = 0;
	FILE *f;

#ifndef SELFTEST
	mkdir(PROC_DIR, 0755);
	if (mount("proc", PROC_DIR, "proc", 0, NULL)) {
		printf("lockdep-state: cannot mount proc: %s\n", strerror(errno));
		return;
	}
#endif
	f = fopen(LOCKDEP_FILE, "r");
	if (!f) {
		printf("lockdep-state: cannot open %s: %s\n", LOCKDEP_FILE, strerror(errno));
		return;
	}
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, " debug_locks: %u", &on) == 1;
	fclose(f);
	if (found)
		printf("lockdep-state: debug_locks=%u\n", on);
	else
		printf("lockdep-state: cannot find debug_locks in %s\n", LOCKDEP_FILE);
	fflush(stdout);
}

#ifndef NO_KMEMLEAK

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

#endif /* NO_KMEMLEAK */

int main(void)
{
	int ok = 1;

	lockdep_state();
#ifndef NO_KMEMLEAK
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
#endif /* NO_KMEMLEAK */
#ifndef SELFTEST
	sync();
	reboot(RB_POWER_OFF);
#endif
	return !ok;
}
