// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * int_free(): give a heap chunk back to its arena.
 *
 *   1. reject pointers and sizes no chunk can have;
 *   1a. with the per-thread cache on, a chunk of a cached size goes to
 *      the freeing thread's cache while its list has room (after
 *      checking that it is not there already);
 *   2. a chunk of at most max_fast goes onto its fast bin, unmerged;
 *   3. any other chunk is merged with a free predecessor and successor
 *      and goes to the front of the unsorted bin, or into top when it
 *      borders top;
 *   4. if the merged chunk reaches FASTBIN_CONSOLIDATION_THRESHOLD, the
 *      fast bins are consolidated and the arena may give memory back:
 *      the main arena trims the break when top reaches the trim
 *      threshold, keeping top_pad; another arena shrinks its sub-heap
 *      or deletes an empty one (arena/heap.c).
 *
 * Mmapped chunks never get here: ptm_free() unmaps them itself.
 */
#include <errno.h>
#include <stdint.h>

#include "../arena/arena.h"
#include "fastbins.h"
#include "internal.h"
#include "tcache.h"

/*
 * The double-free and overrun checks of step 3; false (after the
 * report) when @p must not be freed.
 */
static bool free_normal_ok(struct malloc_state *av, struct malloc_chunk *p,
			   struct malloc_chunk *next)
{
	const char *err = NULL;

	if (unlikely(p == av->top))
		err = "double free or corruption (top)";
	else if (unlikely(contiguous(av) &&
			  (char *)next >=
				  (char *)av->top + chunk_size(av->top)))
		err = "double free or corruption (out)";
	else if (unlikely(!prev_inuse(next)))
		err = "double free or corruption (!prev)";
	else if (unlikely(chunk_size_nomask(next) <= CHUNK_HDR_SZ ||
			  chunk_size(next) >= av->system_mem))
		err = "free(): invalid next size (normal)";
	if (err == NULL)
		return true;
	malloc_corruption(err, chunk2mem(p));
	return false;
}

/*
 * Step 3's checks where @p is merged and filed (merge_and_file()):
 * glibc's messages for free(), reported with the user pointer.
 */
static const struct merge_checks free_checks = {
	.prev_size = "corrupted size vs. prev_size while consolidating",
	.report_mem = true,
	.unsorted = "free(): corrupted unsorted chunks",
};

/*
 * Step 4: after a large free, consolidate and give memory back.  The
 * system calls may set errno, which free() must keep (glibc 2.33).
 */
static void free_trim(struct malloc_state *av)
{
	int saved_errno;

	if (fastchunks_maybe(av))
		malloc_consolidate(av);
	if (av == &main_arena) {
		/* systrim() keeps errno around the break's system calls. */
		if (chunk_size(av->top) >=
		    __atomic_load_n(&mp_.trim_threshold, __ATOMIC_RELAXED))
			systrim(mp_.top_pad, av);
		return;
	}
	saved_errno = errno;
	heap_trim(heap_for_ptr(av->top), mp_.top_pad);
	errno = saved_errno;
}

/* Steps 3 and 4 for a chunk @p (@size bytes) above the fast-bin limit. */
static pt_noinline void free_normal(struct malloc_state *av,
				    struct malloc_chunk *p, size_t size,
				    bool have_lock)
{
	if (!have_lock)
		arena_lock(av);
	if (free_normal_ok(av, p, chunk_at_offset(p, size))) {
		free_perturb(chunk2mem(p), size - CHUNK_HDR_SZ);
		if (merge_and_file(av, p, size, &free_checks) >=
		    FASTBIN_CONSOLIDATION_THRESHOLD)
			free_trim(av);
	}
	if (!have_lock)
		arena_unlock(av);
}

/*
 * Steps 2 to 4 for the heap chunk @p (@size bytes) of @av, which passed
 * the checks of step 1 and was not cached.  @have_lock says whether the
 * caller already holds the arena lock.  The common case, a fast chunk
 * in a single-threaded process without M_PERTURB, makes no call.
 */
void free_to_arena(struct malloc_state *av, struct malloc_chunk *p, size_t size,
		   bool have_lock)
{
	const char *err;

	if (size > get_max_fast()) {
		free_normal(av, p, size, have_lock);
	} else if (single_threaded() && mp_.perturb_byte == 0) {
		err = fastbin_push(av, p, size, false, have_lock, false);
		if (unlikely(err != NULL))
			malloc_corruption(err, chunk2mem(p));
	} else {
		fastbin_free_shared(av, p, size, have_lock);
	}
}

/*
 * Free the heap chunk @p of arena @av.  @have_lock says whether the
 * caller already holds the arena lock (realloc and memalign free the
 * pieces they split off under it).  free() itself inlines the first
 * steps and calls free_to_arena().
 */
void int_free(struct malloc_state *av, struct malloc_chunk *p, bool have_lock)
{
	size_t size = chunk_size(p);

	if (!free_chunk_ok(p, size) || tcache_try_put(av, p, size, have_lock))
		return;
	free_to_arena(av, p, size, have_lock);
}
