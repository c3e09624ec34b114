// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Heap growth when the program break is not ours alone, on the real
 * break: run by harness/test_sysmalloc.c.
 *
 *   sysmalloc_edge foreign N   another sbrk(N) between two allocations
 *   sysmalloc_edge blocked     a mapping right above the break, so that
 *                              brk cannot grow and mmap stands in for it
 *
 * Prints "KEY VALUE" lines (decimal), using write(2) only: stdio would
 * allocate with glibc's malloc and move the break itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ptmalloc.h"

static char *base;

/* Print one "KEY VALUE" line. */
static void put(const char *key, long value)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %ld\n", key, value);

	if (write(1, line, (size_t)n) != n)
		_exit(3);
}

/* Print the break offset and the mallinfo2 figures under @tag. */
static void report(const char *tag)
{
	struct mallinfo2 m = ptm_mallinfo2();
	char key[64];

	snprintf(key, sizeof(key), "%s.brk", tag);
	put(key, (char *)sbrk(0) - base);
	snprintf(key, sizeof(key), "%s.arena", tag);
	put(key, (long)m.arena);
	snprintf(key, sizeof(key), "%s.ordblks", tag);
	put(key, (long)m.ordblks);
	snprintf(key, sizeof(key), "%s.uordblks", tag);
	put(key, (long)m.uordblks);
	snprintf(key, sizeof(key), "%s.fordblks", tag);
	put(key, (long)m.fordblks);
	snprintf(key, sizeof(key), "%s.keepcost", tag);
	put(key, (long)m.keepcost);
	snprintf(key, sizeof(key), "%s.check", tag);
	put(key, ptm_debug_check_heap());
}

/* A foreign sbrk of @gap bytes between two allocations. */
static void foreign(long gap)
{
	void *a, *b, *c;
	char *f;

	ptm_mallopt(M_MMAP_MAX, 0);
	a = ptm_malloc(1000);
	report("a");
	f = sbrk(gap);
	memset(f, 0x5a, (size_t)gap);
	b = ptm_malloc(200000);
	put("b.null", b == NULL);
	report("b");
	c = ptm_malloc(5000);
	put("c.off", (char *)c - base);
	report("c");
	for (long i = 0; i < gap; i++)
		if (f[i] != 0x5a)
			put("foreign.clobbered", i);
	ptm_free(a);
	ptm_free(b);
	ptm_free(c);
	report("free");
	put("trim", ptm_malloc_trim(0));
	report("trim");
}

/* brk blocked by a mapping: the heap continues in mmapped memory. */
static void blocked(void)
{
	char *a, *b, *c, *wall;

	ptm_mallopt(M_MMAP_MAX, 0);
	a = ptm_malloc(1000);
	report("a");
	wall = mmap(sbrk(0), 4096, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	put("wall", wall == sbrk(0));
	b = ptm_malloc(200000);
	memset(b, 1, 200000);
	put("b.in_heap", b >= base && b < (char *)sbrk(0));
	put("b.page_off", (long)((uintptr_t)b & 4095));
	report("b");
	c = ptm_malloc(100);
	put("c.off", c - base);
	report("c");
	ptm_free(a);
	ptm_free(b);
	ptm_free(c);
	report("free");
}

int main(int argc, char **argv)
{
	base = sbrk(0);
	if (argc == 3 && strcmp(argv[1], "foreign") == 0)
		foreign(atol(argv[2]));
	else if (argc == 2 && strcmp(argv[1], "blocked") == 0)
		blocked();
	else
		return 2;
	return 0;
}
