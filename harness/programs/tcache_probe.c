// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-thread cache seen from a program, for harness/test_tcache.c.
 *
 *	tcache_probe double-free     free the same 24-byte block twice
 *	tcache_probe figures         print placement and mallinfo figures
 *	tcache_probe thread-exit     a thread fills its cache, then exits
 *
 * Run with or without GLIBC_TUNABLES=glibc.malloc.tcache_count=N.
 * Prints "KEY VALUE" lines with write(2) only.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ptmalloc.h"

/* Print one "KEY VALUE" line. */
static void put(const char *key, long value)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %ld\n", key, value);

	if (write(1, line, (size_t)n) != n)
		_exit(3);
}

/* A freed block comes back LIFO and is not counted as free. */
static void figures(void)
{
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(24);
	char *guard = ptm_malloc(24);
	struct mallinfo2 m;

	(void)guard;
	ptm_free(a);
	ptm_free(b);
	m = ptm_mallinfo2();
	put("smblks", (long)m.smblks);
	put("uordblks", (long)m.uordblks);
	put("first_is_b", ptm_malloc(24) == b);
	put("second_is_a", ptm_malloc(24) == a);
	put("check", ptm_debug_check_heap());
}

/* Fill a cache in a thread, exit it: the chunks go back to the arena. */
static void *filler(void *arg)
{
	void *p[7];

	(void)arg;
	for (int i = 0; i < 7; i++)
		p[i] = ptm_malloc(100);
	for (int i = 0; i < 7; i++)
		ptm_free(p[i]);
	return NULL;
}

static void thread_exit(void)
{
	pthread_t t;

	pthread_create(&t, NULL, filler, NULL);
	pthread_join(t, NULL);
	/* The arena now holds no chunk in use: cache and header freed. */
	put("arena1_uordblks", (long)ptm_mallinfo2().uordblks);
	put("check", ptm_debug_check_heap());
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	if (strcmp(argv[1], "double-free") == 0) {
		void *volatile p = ptm_malloc(24);

		ptm_free(p);
		ptm_free(p);
		put("survived", 1);
	} else if (strcmp(argv[1], "figures") == 0) {
		figures();
	} else if (strcmp(argv[1], "thread-exit") == 0) {
		thread_exit();
	} else {
		return 2;
	}
	return 0;
}
