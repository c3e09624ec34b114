// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The two sections glibc 2.17's __libc_message() appended to a report
 * that aborts: the backtrace of the failing call and the process's
 * memory map, written to standard error without stdio (malloc only as
 * below).
 *
 *	======= Backtrace: =========
 *	FILE(SYMBOL+0xOFF)[0xADDR]	one line per frame, innermost first
 *	======= Memory map: ========
 *	...				/proc/self/maps, verbatim
 *
 * backtrace() loads libgcc_s on its first call, and the dynamic loader
 * allocates; printerr.c points the hooks at a static emergency buffer
 * first, so that this cannot wait for an arena lock the failing call
 * holds.
 */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <unistd.h>

#include "os.h"

/* The most frames glibc 2.17 printed. */
#define FATAL_FRAMES 64

/* Append /proc/self/maps to standard error, 1024 bytes at a time. */
static void write_maps(void)
{
	char buf[1024];
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		os_write_stderr(buf, (size_t)n);
	}
	close(fd);
}

/*
 * Write both sections, or nothing when backtrace() finds fewer than
 * three frames (as glibc 2.17).  Frame 0, this function, is skipped, so
 * the first line is the reporting function (malloc_printerr).
 */
pt_noinline void os_write_fatal_context(void)
{
	static const char bt[] = "======= Backtrace: =========\n";
	static const char map[] = "======= Memory map: ========\n";
	void *addrs[FATAL_FRAMES];
	int n = backtrace(addrs, FATAL_FRAMES);

	if (n <= 2)
		return;
	os_write_stderr(bt, sizeof(bt) - 1);
	backtrace_symbols_fd(addrs + 1, n - 1, STDERR_FILENO);
	os_write_stderr(map, sizeof(map) - 1);
	write_maps();
}
