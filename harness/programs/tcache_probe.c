// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-thread cache seen from a program, for harness/test_tcache.c.
 *
 *	tcache_probe double-free     free the same 24-byte block twice
 *	tcache_probe double-free-deep  the same, with another block freed
 *				     in between (found deeper in the list)
 *	tcache_probe key-coincidence blocks whose data holds the cache key
 *				     freed: to a list with room, then full
 *	tcache_probe figures         print placement and mallinfo figures
 *	tcache_probe thread-exit     a thread fills its cache, then exits
 *	tcache_probe stash-smallbin  a small bin served while the cache
 *				     has room: the rest of the bin moves in,
 *				     in the main thread, then in a thread
 *				     with an arena of its own
 *	tcache_probe classes         requests at the edges of the cache's
 *				     size classes: which frees are cached
 *
 * Run with or without GLIBC_TUNABLES=glibc.malloc.tcache_count=N.
 * Prints "KEY VALUE" lines with write(2) only.
 */
#include <pthread.h>
#include <stdint.h>
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

/*
 * A block whose second word holds the cache key by chance is no double
 * free: the list is walked, the block is not on it, and it is freed as
 * any other.  The key is read from a cached block (word 1 of x[0]);
 * then x[6] carrying it joins a list of six, and x[7] carrying it finds
 * the list full and goes to its fast bin.  Prints whether x[6] came
 * back first, the fast bin's blocks and bytes, and whether the next
 * block still came from the cache.
 */
static void key_coincidence(void)
{
	uintptr_t *x[8], key;
	struct mallinfo2 m;

	for (int i = 0; i < 8; i++)
		x[i] = ptm_malloc(24);
	for (int i = 0; i < 6; i++)
		ptm_free(x[i]);
	key = x[0][1];
	x[6][1] = key;
	ptm_free(x[6]);
	put("room_cached", ptm_malloc(24) == (void *)x[6]);
	ptm_free(x[6]);
	x[7][1] = key;
	ptm_free(x[7]);
	m = ptm_mallinfo2();
	put("full_smblks", (long)m.smblks);
	put("full_fsmblks", (long)m.fsmblks);
	put("full_next_is_x6", ptm_malloc(24) == (void *)x[6]);
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

/*
 * Nine 208-byte chunks (guards between them): the first seven freed fill
 * the cache's list, the last two go to the unsorted bin, and a 2000-byte
 * request from top sorts them into their small bin (p[8] in front, p[7]
 * last).  Seven requests empty the list; the eighth takes the small
 * bin's last chunk, p[7], and moves p[8] into the cache, whence the
 * ninth comes.  Prints, prefixed by @who: whether the eighth request got
 * p[7] and the ninth p[8], the free chunks mallinfo counts after the
 * eighth (top only: p[8] is cached), and p[8]'s arena flag.
 */
static void stash_smallbin(const char *who)
{
	char key[64], *p[9];

	for (int i = 0; i < 9; i++) {
		p[i] = ptm_malloc(200);
		if (p[i] == NULL || ptm_malloc(24) == NULL)
			_exit(4);
	}
	for (int i = 0; i < 9; i++)
		ptm_free(p[i]);
	if (ptm_malloc(2000) == NULL)
		_exit(4);
	for (int i = 6; i >= 0; i--)
		if (ptm_malloc(200) != p[i])
			_exit(5);
	snprintf(key, sizeof(key), "%s_eighth_is_p7", who);
	put(key, ptm_malloc(200) == p[7]);
	snprintf(key, sizeof(key), "%s_ordblks", who);
	put(key, (long)ptm_mallinfo2().ordblks);
	snprintf(key, sizeof(key), "%s_ninth_is_p8", who);
	put(key, ptm_malloc(200) == p[8]);
	snprintf(key, sizeof(key), "%s_p8_non_main_arena", who);
	put(key, (((size_t *)p[8])[-1] & 4) != 0);
}

/* stash_smallbin() in a new thread, which gets an arena of its own. */
static void *stash_smallbin_thread(void *arg)
{
	(void)arg;
	stash_smallbin("thread");
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

/*
 * For each request at an edge of a size class (those padded to MINSIZE,
 * the next class, the largest cached request of the default and of
 * tcache_max=100, and one byte more), whether its free was cached (the
 * bytes in use did not drop), whether the same request then got the
 * block back, and whether a request of the neighbouring class did not.
 */
static void classes(void)
{
	static const size_t req[] = { 0,  1,  8,   9,	24,   25,
				      40, 41, 104, 105, 1032, 1033 };
	char key[32];

	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		void *p = ptm_malloc(req[i]);
		size_t before;

		(void)ptm_malloc(16);
		before = ptm_mallinfo2().uordblks;
		ptm_free(p);
		snprintf(key, sizeof(key), "cached_%zu", req[i]);
		put(key, ptm_mallinfo2().uordblks == before);
		snprintf(key, sizeof(key), "back_%zu", req[i]);
		put(key, ptm_malloc(req[i]) == p);
	}
	for (size_t i = 0; i + 1 < sizeof(req) / sizeof(req[0]); i++) {
		void *p = ptm_malloc(req[i]);

		(void)ptm_malloc(16);
		ptm_free(p);
		snprintf(key, sizeof(key), "next_%zu", req[i]);
		put(key, ptm_malloc(req[i + 1]) == p);
	}
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
	} else if (strcmp(argv[1], "double-free-deep") == 0) {
		void *volatile p = ptm_malloc(24), *volatile q = ptm_malloc(24);

		ptm_free(p);
		ptm_free(q);
		ptm_free(p);
		put("survived", 1);
	} else if (strcmp(argv[1], "key-coincidence") == 0) {
		key_coincidence();
	} else if (strcmp(argv[1], "figures") == 0) {
		figures();
	} else if (strcmp(argv[1], "classes") == 0) {
		classes();
	} else if (strcmp(argv[1], "thread-exit") == 0) {
		thread_exit();
	} else if (strcmp(argv[1], "stash-smallbin") == 0) {
		pthread_t t;

		stash_smallbin("main");
		pthread_create(&t, NULL, stash_smallbin_thread, NULL);
		pthread_join(t, NULL);
		put("check", ptm_debug_check_heap());
	} else {
		return 2;
	}
	return 0;
}
