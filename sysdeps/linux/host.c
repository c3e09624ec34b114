// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Linux system layer's services that are not memory (sysdeps/os.h):
 * random bytes for the per-thread cache's key and the processor count
 * for the arena limit.  Neither allocates.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/random.h>
#include <sys/sysinfo.h>

#include "os.h"

/* getrandom() without blocking: all @len bytes or -1. */
int os_random_bytes(void *buf, size_t len)
{
	return getrandom(buf, len, GRND_NONBLOCK) == (ssize_t)len ? 0 : -1;
}

/* glibc's get_nprocs() (sysfs, then /proc), which reads on the stack. */
int os_cpu_count(void)
{
	return get_nprocs();
}
