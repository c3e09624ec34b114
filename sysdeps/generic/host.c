// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Random bytes and the processor count for a system that offers neither
 * without allocating (sysdeps/os.h): the callers' fallbacks then apply
 * (a key from the clock, glibc's assumption of 2 cores).  Linux has its
 * own host.c.
 */
#include "os.h"

/* No random bytes: the cache's key comes from the clock. */
int os_random_bytes(void *buf, size_t len)
{
	(void)buf;
	(void)len;
	return -1;
}

/* Unknown: the arena limit assumes 2 cores. */
int os_cpu_count(void)
{
	return 0;
}
