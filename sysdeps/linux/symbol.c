// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Symbolisation on Linux (sysdeps/os.h): the dynamic linker's dladdr(),
 * which mtrace's log uses to name each caller as glibc's does.  It may
 * allocate (the loader's lock and its first lookup).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>

#include "os.h"

/* dladdr() for @addr, copied into @sym. */
int os_symbolize(const void *addr, struct os_symbol *sym)
{
	Dl_info info;

	if (dladdr(addr, &info) == 0)
		return -1;
	sym->file = info.dli_fname;
	sym->base = info.dli_fbase;
	sym->name = info.dli_sname;
	sym->addr = info.dli_saddr;
	return 0;
}
