// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pair: the loop whose instructions the driver counts under callgrind.
 *
 *	pair SIZE N
 *
 * After a warm-up, pair_once() runs N malloc(SIZE)+free pairs and
 * pair_twice() runs 2N.  KEEP blocks of the same size stay allocated
 * throughout, as in a program that has other objects of that size: an
 * allocator that gives back a page or a run when its last block is freed
 * would otherwise take that slow path on every single free.  The driver collects costs only inside those two
 * functions (callgrind --toggle-collect) and takes the inclusive cost of
 * their callees: the instructions spent in malloc and free, PLT stubs
 * included, loop and call overhead excluded.  The difference between the
 * two, divided by N, is the steady-state cost of one pair: whatever an
 * allocator does once (initialisation, a first refill) cancels out.
 * noinline keeps them as the functions callgrind is told about.
 *
 *	pair SIZE N -v
 *
 * also prints, after the loops, whether a per-thread cache took a freed
 * block ("pair: tcache=on" or "off"), so that the driver can check that
 * the run had the configuration its column names.  Only glibc's
 * algorithm (glibc's and this project's) is judged that way: a free that
 * no cache takes puts a small block in a fast bin, which mallinfo2()
 * counts in fsmblks.  Without -v the program makes no such probe: the
 * driver also measures its peak RSS as a process that allocates next to
 * nothing.
 */
#include <malloc.h>

#include "bench.h"

#define KEEP 64

void *volatile pair_sink;

__attribute__((noinline)) void pair_once(size_t size, long n)
{
	for (long i = 0; i < n; i++) {
		pair_sink = malloc(size);
		free(pair_sink);
	}
}

__attribute__((noinline)) void pair_twice(size_t size, long n)
{
	for (long i = 0; i < 2 * n; i++) {
		pair_sink = malloc(size);
		free(pair_sink);
	}
}

/*
 * Print whether a freed 88-byte block (a size class the loop does not
 * use, so its cache bin is empty) went to a fast bin or to a cache.
 */
static void report_cache(void)
{
	struct mallinfo2 before, after;
	void *p = malloc(88);

	before = mallinfo2();
	free(p);
	after = mallinfo2();
	printf("pair: tcache=%s\n",
	       after.fsmblks > before.fsmblks ? "off" : "on");
}

int main(int argc, char **argv)
{
	void *keep[KEEP];
	size_t size;
	long n;

	if (argc < 3 || argc > 4 || (size = strtoul(argv[1], NULL, 0)) == 0 ||
	    (n = strtol(argv[2], NULL, 0)) <= 0 ||
	    (argc == 4 && strcmp(argv[3], "-v") != 0)) {
		fprintf(stderr, "usage: pair SIZE N [-v]\n");
		return 64;
	}
	for (int i = 0; i < KEEP; i++)
		keep[i] = bench_alloc(size);
	for (int i = 0; i < 1000; i++) {
		pair_sink = malloc(size);
		free(pair_sink);
	}
	pair_once(size, n);
	pair_twice(size, n);
	for (int i = 0; i < KEEP; i++)
		free(keep[i]);
	if (argc == 4)
		report_cache();
	return 0;
}
