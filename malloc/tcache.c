// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The slow paths of the per-thread cache (tcache.h): creating a thread's
 * cache, telling a double free from a chance match of the key, and
 * giving every cached chunk back when the thread exits.
 */
#include <time.h>

#include "../arena/arena.h"
#include "os.h"
#include "ptmalloc.h"
#include "tcache.h"

os_thread_local struct tcache_perthread *tcache;
uintptr_t tcache_key;

/*
 * Pick the process-wide key: random bytes from the kernel, or, if they
 * cannot be had without blocking, the clock (as glibc 2.34's
 * tcache_key_initialize does).  The fallback is not counted by
 * `make coverage`: on Linux, getrandom() with GRND_NONBLOCK fails only
 * before the kernel's pool is seeded or under a seccomp filter, neither
 * of which the suite arranges (a port's os_random_bytes() may fail).
 */
void tcache_key_init(void)
{
	struct timespec ts;

	if (os_random_bytes(&tcache_key, sizeof(tcache_key)) == 0)
		return;
	/* LCOV_EXCL_START: see above. */
	os_monotonic_time(&ts);
	tcache_key = ((uintptr_t)ts.tv_nsec << (4 * sizeof(uintptr_t))) ^
		     (uintptr_t)ts.tv_sec ^ (uintptr_t)&ts;
	/* LCOV_EXCL_STOP */
}

/*
 * Give the calling thread its cache: a chunk of its arena (retrying in
 * another arena as malloc does), zeroed.  When no memory can be had the
 * thread simply runs without one and tries again on its next malloc.
 * The retry is glibc's (2.26 tcache_init); `make coverage` does not
 * count it: the cache is a small request, which int_malloc() satisfies
 * whenever the arena can grow by one page or map a sub-heap, so failing
 * it needs a thread's first allocation to meet an exhausted address
 * space after its own stack was mapped, which the suite does not arrange.
 */
void tcache_init(void)
{
	const size_t bytes = sizeof(struct tcache_perthread);
	struct malloc_state *av;
	void *victim;

	if (thread_flags.tcache_shutting_down)
		return;
	av = arena_get(bytes);
	if (av == NULL)
		return;
	victim = int_malloc(av, bytes);
	if (victim == NULL) { /* LCOV_EXCL_BR_LINE: see above. */
		/* LCOV_EXCL_START */
		av = arena_get_retry(av, bytes);
		if (av == NULL)
			return;
		victim = int_malloc(av, bytes);
		/* LCOV_EXCL_STOP */
	}
	arena_unlock(av);
	if (victim != NULL) {
		memset(victim, 0, bytes);
		tcache = victim;
	}
}

/*
 * tcache_get() found the misaligned head on list @tc_idx: report it
 * (with M_CHECK_ACTION) and, if the action lets the program go on, hand
 * it out as tcache_get() would.
 */
void *tcache_get_misaligned(size_t tc_idx)
{
	struct tcache_entry *e = tcache->entries[tc_idx];

	malloc_corruption("malloc(): unaligned tcache chunk detected", e);
	return tcache_pop(e, tc_idx);
}

/*
 * The chunk @e being freed carries the cache key: walk its list and
 * abort if it is really there (a double free) or the list is broken;
 * return if the key was a coincidence of the user's data.
 */
static void tcache_double_free_check(struct tcache_entry *e, size_t tc_idx)
{
	size_t cnt = 0;

	for (struct tcache_entry *tmp = tcache->entries[tc_idx]; tmp != NULL;
	     tmp = reveal_ptr((void **)&tmp->next), cnt++) {
		if (cnt >= mp_.tcache_count)
			malloc_corruption("free(): too many chunks detected "
					  "in tcache",
					  e);
		if (unlikely(!aligned_ok((uintptr_t)tmp)))
			malloc_corruption("free(): unaligned chunk detected "
					  "in tcache 2",
					  e);
		if (tmp == e)
			malloc_corruption("free(): double free detected in "
					  "tcache 2",
					  e);
	}
}

/*
 * tcache_try_put() for a chunk @p (@size bytes) of @av (NULL: look it
 * up) that carries the cache key: unless it is a double free (which
 * aborts), cache it if there is room, else give it to its arena.
 */
void tcache_free_keyed(struct malloc_state *av, struct malloc_chunk *p,
		       size_t size, bool have_lock)
{
	size_t tc_idx = tcache_csize2idx(size);

	tcache_double_free_check(chunk2mem(p), tc_idx);
	if (tcache_room(tc_idx))
		tcache_put(p, tc_idx);
	else
		free_to_arena(av != NULL ? av : arena_for_chunk(p), p, size,
			      have_lock);
}

/*
 * Give the chunk of @mem back at thread exit as free() would (glibc's
 * tcache_thread_shutdown calls __libc_free), past every entry point:
 * valgrind already saw the cached chunks freed, and never saw the cache
 * itself allocated.  The cache can be a mapping of its own, when its
 * arena had no room and no sub-heap could be mapped (sysmalloc); a
 * cached chunk never is.
 */
static void free_cached(void *mem)
{
	struct malloc_chunk *p = mem2chunk(mem);

	if (chunk_is_mmapped(p))
		free_mmapped(p);
	else
		int_free(arena_for_chunk(p), p, false);
}

/*
 * At thread exit: switch the cache off for good and free every cached
 * chunk, then the cache itself, back to their arenas.
 */
void tcache_thread_shutdown(void)
{
	struct tcache_perthread *t = tcache;

	thread_flags.tcache_shutting_down = true;
	if (t == NULL)
		return;
	tcache = NULL;
	for (unsigned int i = 0; i < TCACHE_MAX_BINS; i++) {
		while (t->entries[i] != NULL) {
			struct tcache_entry *e = t->entries[i];

			if (unlikely(!aligned_ok((uintptr_t)e)))
				malloc_corruption("tcache_thread_shutdown(): "
						  "unaligned tcache chunk "
						  "detected",
						  e);
			t->entries[i] = reveal_ptr((void **)&e->next);
			free_cached(e);
		}
	}
	free_cached(t);
}
