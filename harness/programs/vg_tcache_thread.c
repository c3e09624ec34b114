// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vg_tcache_thread: a thread that exits with blocks in its per-thread
 * cache, for memcheck (harness/test_valgrind.c).  With the cache on, the
 * thread's four freed 40-byte blocks stay cached; at its exit the cache
 * flush gives them (and the cache itself) back to the arena.  memcheck
 * saw those blocks freed at their ptm_free already, and never saw the
 * cache allocated, so the flush must not show up as errors.  Expected:
 * "ERROR SUMMARY: 0 errors", nothing in use at exit, and the counts it
 * prints ("allocs N", "frees N", "bytes N": this allocator's blocks).
 *
 *	valgrind --leak-check=full vg_tcache_thread [calloc]
 *
 * With "calloc" the thread's first call, the one that builds its cache,
 * is calloc: the blocks come from calloc and must read as zero.
 *
 * The cache is switched on by the program itself: valgrind is run with
 * a fixed environment (vg_run.h), and the allocator reads
 * GLIBC_TUNABLES from environ when it initialises.  environ is pointed
 * at a static array rather than setenv(), which would allocate with
 * glibc's malloc, a block memcheck would count as still in use at exit.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ptmalloc.h"

extern char **environ;

#define BLOCKS 4
#define BLOCK_BYTES 40

static int bad;
static int use_calloc;

/* Allocate, fill, check and free BLOCKS blocks: all end in the cache. */
static void *thread_body(void *arg)
{
	unsigned char *p[BLOCKS];

	for (int i = 0; i < BLOCKS; i++) {
		p[i] = use_calloc ? ptm_calloc(1, BLOCK_BYTES) :
				    ptm_malloc(BLOCK_BYTES);
		if (p[i] == NULL) {
			bad++;
			return arg;
		}
		if (use_calloc && p[i][BLOCK_BYTES - 1] != 0)
			bad++;
		memset(p[i], i + 1, BLOCK_BYTES);
	}
	for (int i = 0; i < BLOCKS; i++) {
		if (p[i][BLOCK_BYTES - 1] != i + 1)
			bad++;
		ptm_free(p[i]);
	}
	return arg;
}

int main(int argc, char **argv)
{
	static char tunables[] = "GLIBC_TUNABLES=glibc.malloc.tcache_count=7";
	static char lc_all[] = "LC_ALL=C";
	static char *env[] = { tunables, lc_all, NULL };
	char line[128];
	pthread_t t;
	void *q;
	int n;

	use_calloc = argc > 1 && strcmp(argv[1], "calloc") == 0;
	environ = env;
	q = ptm_malloc(10);
	if (q == NULL || ptm_debug_tunable("tcache_count") != 7)
		bad++;
	if (pthread_create(&t, NULL, thread_body, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		bad++;
	ptm_free(q);
	n = snprintf(line, sizeof(line),
		     "allocs %d\nfrees %d\nbytes %d\nbad %d\n", BLOCKS + 1,
		     BLOCKS + 1, BLOCKS * BLOCK_BYTES + 10, bad);
	if (write(1, line, (size_t)n) != n)
		return 2;
	return bad != 0;
}
