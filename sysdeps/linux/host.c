// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Linux system layer's services that are not memory (sysdeps/os.h):
 * random bytes for the per-thread cache's key (and the clock, when the
 * kernel has none to give without blocking) and the processor count for
 * the arena limit.  None allocates.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <time.h>

#include "os.h"

/* getrandom() without blocking: all @len bytes or -1. */
int os_random_bytes(void *buf, size_t len)
{
	return getrandom(buf, len, GRND_NONBLOCK) == (ssize_t)len ? 0 : -1;
}

/* clock_gettime(CLOCK_MONOTONIC), mixed into one word. */
uintptr_t os_clock_bits(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uintptr_t)ts.tv_nsec << (4 * sizeof(uintptr_t))) ^
	       (uintptr_t)ts.tv_sec;
}

/* glibc's get_nprocs() (sysfs, then /proc), which reads on the stack. */
int os_cpu_count(void)
{
	return get_nprocs();
}
