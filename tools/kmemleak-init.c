// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the debug run's initramfs. KUnit has run by the time the kernel
 * starts it: let kmemleak scan (twice, as its documentation advises, after
 * the minimum object age), print its report on the console between
 * markers, and power the guest off.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

static void scan(void)
{
	int fd = open("/d/kmemleak", O_WRONLY);

	if (fd < 0 || write(fd, "scan", 4) != 4)
		printf("kmemleak-init: cannot trigger a scan\n");
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char buf[4096];
	ssize_t n;
	int fd;

	mkdir("/d", 0755);
	if (mount("debugfs", "/d", "debugfs", 0, NULL))
		printf("kmemleak-init: cannot mount debugfs\n");
	sleep(6);
	scan();
	sleep(6);
	scan();
	printf("kmemleak-init: report begins\n");
	fflush(stdout);
	fd = open("/d/kmemleak", O_RDONLY);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	printf("kmemleak-init: report ends\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
