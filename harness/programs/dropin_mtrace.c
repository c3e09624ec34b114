// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dropin_mtrace: mtrace() and muntrace() of <mcheck.h> called by their
 * standard names, for harness/test_mtrace.c.  It calls no ptm_ function:
 * run with LD_PRELOAD=build/libptmalloc.so it is traced by this
 * allocator's mtrace, with LD_PRELOAD=libc_malloc_debug.so.0 by glibc's,
 * and with neither by glibc 2.34+'s stub, which writes nothing.
 *
 *	MALLOC_TRACE=FILE dropin_mtrace
 *
 * Between mtrace() and muntrace() it calls malloc(10), malloc(200),
 * realloc of the second to 3000 bytes, and frees both blocks.  Then it
 * prints one "EVENT ADDRESS LINE" line per call (as mtrace_prog does,
 * see mtrace_run.h): what it did, the block's address, and the source
 * line of the call, which addr2line gives for the caller address the
 * trace shows.  Nothing allocates while tracing: the lines are formatted
 * into a static buffer and written with write(2) at the end.
 */
#include <mcheck.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TRACE_FREE free
#include "trace_notes.h"

int main(void)
{
	char *a, *b, *c;

	mtrace();
	TRACED("malloc", a, malloc(10));
	TRACED("malloc", b, malloc(200));
	TRACED("realloc", c, realloc(b, 3000));
	FREED(a);
	FREED(c);
	muntrace();
	return flush_notes();
}
