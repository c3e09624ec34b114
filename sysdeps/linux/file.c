// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Files and code addresses (sysdeps/os.h): the files mtrace and the heap
 * map write, and the lookup of a caller's object and symbol for mtrace's
 * "@ FILE:(SYMBOL+OFFSET)[0xADDR]" prefix (glibc's dladdr).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include "os.h"

/* open(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC). */
int os_open_write(const char *path, int mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
}

/* close(), its result of no use to the callers. */
void os_close(int fd)
{
	close(fd);
}

/* dladdr() into @out. */
int os_caller_info(const void *addr, struct os_caller *out)
{
	Dl_info info;

	if (dladdr(addr, &info) == 0)
		return -1;
	out->object = info.dli_fname;
	out->base = (uintptr_t)info.dli_fbase;
	out->symbol = info.dli_sname;
	out->symbol_addr = (uintptr_t)info.dli_saddr;
	return 0;
}
