// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Heap growth when the program break is not ours alone, on the real
 * break: run by harness/test_sysmalloc.c.
 *
 *   sysmalloc_edge foreign N   another sbrk(N) between two allocations
 *   sysmalloc_edge foreign N map   the same, with the text heap map
 *                              (ptm_heap_map()) after the allocation
 *                              that follows the gap and after one more
 *                              that comes from the new top
 *   sysmalloc_edge blocked     a mapping right above the break, so that
 *                              brk cannot grow and mmap stands in for it
 *
 * Prints "KEY VALUE" lines (decimal), using write(2) only: stdio would
 * allocate with glibc's malloc and move the break itself.
 */
#include <stdbool.h>
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

/*
 * The text heap map, after a "map.base ADDRESS" line giving the break
 * the program started with (the heap's start), as the map prints it.
 */
static void map(void)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "map.base %p\n", (void *)base);

	if (write(1, line, (size_t)n) != n || ptm_heap_map(1, PTM_HEAPMAP_TEXT))
		_exit(3);
}

/*
 * The two maps of "foreign N map": one now, then one after a block
 * carved from the start of the new top (freed again at once).
 */
static void map_new_top(void)
{
	void *d;

	map();
	d = ptm_malloc(130000);
	put("d.off", (char *)d - base);
	map();
	ptm_free(d);
}

/*
 * A foreign sbrk of @gap bytes between two allocations; with @with_map,
 * the heap maps of map_new_top() once the second is made.
 */
static void foreign(long gap, bool with_map)
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
	if (with_map)
		map_new_top();
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
		foreign(atol(argv[2]), false);
	else if (argc == 4 && strcmp(argv[1], "foreign") == 0 &&
		 strcmp(argv[3], "map") == 0)
		foreign(atol(argv[2]), true);
	else if (argc == 2 && strcmp(argv[1], "blocked") == 0)
		blocked();
	else
		return 2;
	return 0;
}
