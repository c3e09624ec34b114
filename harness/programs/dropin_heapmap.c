// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dropin_heapmap: a program that knows nothing of the heap map, run on
 * the drop-in with MALLOC_HEAPMAP_ set (harness/test_heapmap.c).
 *
 *	dropin_heapmap
 *
 * Five malloc(16), the third freed, a printf (whose 4096-byte stdout
 * buffer, a large request, sorts the freed chunk into small bin 2), then
 * malloc_trim(0) and malloc_stats(), and exit with the other four still
 * allocated.  Prints "pid N" and "freed 0xADDR" (the freed block).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char *p[5];

	for (int i = 0; i < 5; i++)
		p[i] = malloc(16);
	free(p[2]);
	printf("pid %ld\nfreed %p\n", (long)getpid(), (void *)p[2]);
	fflush(stdout);
	malloc_trim(0);
	malloc_stats();
	/*
	 * The four blocks stay allocated to the end: freed, they would sit
	 * in a fast bin until whatever runs at exit before the map (gcov's
	 * writer in the coverage build) makes a large request, whose
	 * consolidation would merge all five chunks.
	 */
	return 0;
}
