// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public debugging entry points onto the system layer: the
 * strace-style trace, the simulated program break and the break itself
 * (ptm_debug_trace_syscalls, ptm_debug_simulate_brk, ptm_debug_brk).
 * They exist for the harness; glibc has no counterpart.
 */
#include "internal.h"
#include "ptmalloc.h"
#include "os.h"

/* Trace the system layer's calls to @fd; a negative @fd stops. */
void ptm_debug_trace_syscalls(int fd)
{
	os_trace_to(fd);
}

/*
 * Give the main arena a simulated break of @capacity bytes.  Too late
 * (-1) once the main arena has taken memory from the system: its heap
 * would straddle two breaks.  An allocator that is merely initialised
 * (by mallopt, say) or has only mmapped chunks has not looked at the
 * break yet, so the switch is still safe then.
 */
int ptm_debug_simulate_brk(size_t capacity)
{
	if (mp_.sbrk_base != NULL || main_arena.system_mem != 0)
		return -1;
	return os_simulate_brk(capacity);
}

/* The current break as the allocator sees it: sbrk(0). */
void *ptm_debug_brk(void)
{
	return os_morecore(0);
}
