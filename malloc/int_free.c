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
#include <stdint.h>

#include "../arena/arena.h"
#include "internal.h"
#include "tcache.h"

/* Step 2: push @p onto its fast bin after glibc's sanity checks. */
static void free_fast(struct malloc_state *av, struct malloc_chunk *p,
		      size_t size)
{
	struct malloc_chunk *next = chunk_at_offset(p, size);
	unsigned int idx = fastbin_index(size);
	struct malloc_chunk **fb = fastbin(av, idx);
	struct malloc_chunk *old = *fb;

	if (unlikely(chunk_size_nomask(next) <= CHUNK_HDR_SZ ||
		     chunk_size(next) >= av->system_mem)) {
		malloc_corruption("free(): invalid next size (fast)",
				  chunk2mem(p));
		return;
	}
	free_perturb(chunk2mem(p), size - CHUNK_HDR_SZ);
	av->have_fastchunks = 1;
	if (unlikely(old == p)) {
		malloc_corruption("double free or corruption (fasttop)",
				  chunk2mem(p));
		return;
	}
	if (unlikely(old != NULL && fastbin_index(chunk_size(old)) != idx)) {
		malloc_corruption("invalid fastbin entry (free)", chunk2mem(p));
		return;
	}
	p->fd = old;
	*fb = p;
}

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
 * Step 3: merge @p (@size bytes) with its free neighbours and file it.
 * Returns the size of the merged chunk.
 */
static size_t free_merge(struct malloc_state *av, struct malloc_chunk *p,
			 size_t size)
{
	struct malloc_chunk *next = chunk_at_offset(p, size);
	size_t nextsize = chunk_size(next);

	if (!prev_inuse(p)) {
		size_t prevsize = p->prev_size;

		size += prevsize;
		p = chunk_at_offset(p, -(ptrdiff_t)prevsize);
		if (unlikely(chunk_size(p) != prevsize))
			malloc_corruption("corrupted size vs. prev_size while "
					  "consolidating",
					  chunk2mem(p));
		unlink_chunk(av, p);
	}
	if (next == av->top) {
		size += nextsize;
		set_head(p, size | PREV_INUSE);
		av->top = p;
		return size;
	}
	if (!inuse_bit_at_offset(next, nextsize)) {
		unlink_chunk(av, next);
		size += nextsize;
	} else {
		clear_inuse_bit_at_offset(next, 0);
	}
	set_head(p, size | PREV_INUSE);
	unsorted_insert(av, p, "free(): corrupted unsorted chunks");
	set_foot(p, size);
	return size;
}

/* Step 4: after a large free, consolidate and give memory back. */
static void free_trim(struct malloc_state *av)
{
	if (av->have_fastchunks)
		malloc_consolidate(av);
	if (av == &main_arena) {
		if (chunk_size(av->top) >=
		    __atomic_load_n(&mp_.trim_threshold, __ATOMIC_RELAXED))
			systrim(mp_.top_pad, av);
	} else {
		heap_trim(heap_for_ptr(av->top), mp_.top_pad);
	}
}

/*
 * Step 1a: put @p (@size bytes) in the calling thread's cache if it has
 * a list for that size with room.  Returns true when it did.
 */
static bool free_to_tcache(struct malloc_chunk *p, size_t size)
{
	size_t tc_idx = csize2tidx(size);
	struct tcache_entry *e = chunk2mem(p);

	if (!tcache_has_bin(tc_idx))
		return false;
	if (unlikely(e->key == tcache_key))
		tcache_double_free_check(e, tc_idx);
	if (!tcache_room(tc_idx))
		return false;
	tcache_put(p, tc_idx);
	return true;
}

/*
 * Free the heap chunk @p of arena @av.  @have_lock says whether the
 * caller already holds the arena lock (realloc and memalign free the
 * pieces they split off under it).
 */
void int_free(struct malloc_state *av, struct malloc_chunk *p, bool have_lock)
{
	size_t size = chunk_size(p);

	if (unlikely((uintptr_t)p > (uintptr_t)-size || misaligned_chunk(p))) {
		malloc_corruption("free(): invalid pointer", chunk2mem(p));
		return;
	}
	if (unlikely(size < MINSIZE || !aligned_ok(size))) {
		malloc_corruption("free(): invalid size", chunk2mem(p));
		return;
	}
	if (tcache != NULL && free_to_tcache(p, size))
		return;
	if (!have_lock)
		arena_lock(av);
	if (size <= get_max_fast()) {
		free_fast(av, p, size);
	} else if (free_normal_ok(av, p, chunk_at_offset(p, size))) {
		free_perturb(chunk2mem(p), size - CHUNK_HDR_SZ);
		if (free_merge(av, p, size) >= FASTBIN_CONSOLIDATION_THRESHOLD)
			free_trim(av);
	}
	if (!have_lock)
		arena_unlock(av);
}
