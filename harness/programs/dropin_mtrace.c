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

static char out[1024];
static size_t outlen;

/* Record one "EVENT ADDRESS LINE" line for later. */
static void note(const char *event, const void *addr, int line)
{
	int n = snprintf(out + outlen, sizeof(out) - outlen, "%s %p %d\n",
			 event, addr, line);

	if (n > 0 && (size_t)n < sizeof(out) - outlen)
		outlen += (size_t)n;
}

/* @var = @call, noted as @event with the line of the call. */
#define TRACED(event, var, call)              \
	do {                                  \
		(var) = (call);               \
		note(event, (var), __LINE__); \
	} while (0)

/*
 * free(@var), noted after the call, so that the caller address (the
 * return address of free) still lies in this line's code.
 */
#define FREED(var)                             \
	do {                                   \
		free(var);                     \
		note("free", (var), __LINE__); \
	} while (0)

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
	return write(1, out, outlen) == (ssize_t)outlen ? 0 : 1;
}
