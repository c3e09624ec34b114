// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * int_malloc(): find a chunk for a request inside one arena.
 *
 * The driver int_malloc() tries the sources in glibc's order, one helper
 * per stage:
 *
 *   1. the fast bin of exactly the request's size (LIFO);
 *   2. the small bin of exactly that size (FIFO);
 *   3. for a large request, consolidate the fast bins first;
 *   4. scan the unsorted bin: split the last remainder for a small
 *      request when it is the only unsorted chunk, return an exact fit,
 *      file every other chunk into its small or large bin;
 *   5. for a large request, the smallest fitting chunk of its own bin;
 *   6. the binmap: the smallest non-empty larger bin, splitting its
 *      smallest chunk;
 *   7. split top;
 *   8. if fast bins hold chunks, consolidate them and go back to 4;
 *   9. otherwise ask the system (sysmalloc).
 *
 * Every returned chunk has its in-use bit set in the next chunk and the
 * arena bit of the arena it came from.
 *
 * With the per-thread cache on (tcache.h), stages 1 and 2 also move the
 * other chunks of the same size into the calling thread's cache while it
 * has room, and stage 4 caches exact fits instead of returning the first
 * one, returning a cached chunk at the end of the scan.
 */
#include <errno.h>

#include "../arena/arena.h"
#include "fastbins.h"
#include "internal.h"
#include "tcache.h"

/* M_PERTURB: fill the @bytes handed out at @mem; returns @mem. */
static pt_noinline void *perturb_out(void *mem, size_t bytes)
{
	alloc_perturb(mem, bytes);
	return mem;
}

/* Hand out @victim for a request of @bytes: flags, perturbation. */
static inline void *chunk_out(struct malloc_state *av,
			      struct malloc_chunk *victim, size_t bytes)
{
	void *mem = chunk2mem(victim);

	if (av != &main_arena)
		store_size_word(victim,
				load_size_word(victim) | NON_MAIN_ARENA);
	if (unlikely(mp_.perturb_byte))
		return perturb_out(mem, bytes);
	return mem;
}

/* Stage 2: report a broken small bin at @victim; the request fails. */
static pt_noinline struct malloc_chunk *
smallbin_corrupt(struct malloc_chunk *victim)
{
	malloc_corruption("malloc(): smallbin double linked list corrupted",
			  chunk2mem(victim));
	return NULL;
}

/*
 * Stage 2: take the oldest chunk of the small bin of exactly @nb, or
 * NULL if it is empty.
 */
static inline struct malloc_chunk *malloc_smallbin(struct malloc_state *av,
						   size_t nb)
{
	struct malloc_chunk *bin = bin_at(av, smallbin_index(nb));
	struct malloc_chunk *victim = bin_last(bin);
	struct malloc_chunk *bck;

	if (victim == bin)
		return NULL;
	bck = victim->bk;
	if (unlikely(bck->fd != victim))
		return smallbin_corrupt(victim);
	set_inuse_bit_at_offset(victim, nb);
	bin->bk = bck;
	bck->fd = bin;
	return victim;
}

/* Stage 2, per-thread cache: move more chunks of the small bin into it. */
static pt_noinline void tcache_stash_smallbin(struct malloc_state *av,
					      size_t nb)
{
	size_t tc_idx = tcache_csize2idx(nb);
	struct malloc_chunk *bin = bin_at(av, smallbin_index(nb));
	struct malloc_chunk *tc_victim;

	if (!tcache_has_bin(tc_idx))
		return;
	while (tcache_room(tc_idx) && (tc_victim = bin_last(bin)) != bin) {
		struct malloc_chunk *bck = tc_victim->bk;

		set_inuse_bit_at_offset(tc_victim, nb);
		if (av != &main_arena)
			store_size_word(tc_victim, load_size_word(tc_victim) |
							   NON_MAIN_ARENA);
		bin->bk = bck;
		bck->fd = bin;
		tcache_put(tc_victim, tc_idx);
	}
}

/*
 * Cut @nb bytes off the front of the free chunk @victim of @size bytes
 * (already out of its bin) and put the remainder at the front of the
 * unsorted bin; a remainder smaller than MINSIZE stays with @victim.
 * @errmsg is glibc's message for a broken unsorted list at this site.
 */
static void split_to_unsorted(struct malloc_state *av,
			      struct malloc_chunk *victim, size_t size,
			      size_t nb, const char *errmsg)
{
	size_t remainder_size = size - nb;
	struct malloc_chunk *remainder;

	if (remainder_size < MINSIZE) {
		set_inuse_bit_at_offset(victim, size);
		return;
	}
	remainder = chunk_at_offset(victim, nb);
	set_head(remainder, remainder_size | PREV_INUSE);
	/* glibc 2.17 reports the chunk being split, not the remainder. */
	if (unlikely(unsorted_chunks(av)->fd->bk != unsorted_chunks(av)))
		malloc_corruption(errmsg, chunk2mem(victim));
	unsorted_insert(av, remainder, NULL);
	if (in_smallbin_range(nb))
		av->last_remainder = remainder;
	set_head(victim, nb | PREV_INUSE);
	set_foot(remainder, remainder_size);
}

/*
 * Stage 4, the small-request shortcut: @victim is the last remainder
 * and the only unsorted chunk; split it and keep the rest unsorted.
 */
static void split_last_remainder(struct malloc_state *av,
				 struct malloc_chunk *victim, size_t size,
				 size_t nb)
{
	struct malloc_chunk *unsorted = unsorted_chunks(av);
	size_t remainder_size = size - nb;
	struct malloc_chunk *remainder = chunk_at_offset(victim, nb);

	unsorted->bk = remainder;
	unsorted->fd = remainder;
	av->last_remainder = remainder;
	remainder->bk = unsorted;
	remainder->fd = unsorted;
	if (!in_smallbin_range(remainder_size)) {
		remainder->fd_nextsize = NULL;
		remainder->bk_nextsize = NULL;
	}
	set_head(victim, nb | PREV_INUSE);
	set_head(remainder, remainder_size | PREV_INUSE);
	set_foot(remainder, remainder_size);
}

/*
 * Stage 4: the checks on @victim, the oldest unsorted chunk, whose bk is
 * @bck: glibc 2.17's size check (with 2.17's message), then the checks
 * of its neighbours glibc 2.29 added.  A report that does not abort lets
 * the scan carry on, as 2.17 did; only a believable size is followed to
 * the next chunk.
 */
static void unsorted_check(struct malloc_state *av, struct malloc_chunk *victim,
			   struct malloc_chunk *bck)
{
	size_t size = chunk_size(victim);
	struct malloc_chunk *next = chunk_at_offset(victim, size);
	void *mem = chunk2mem(victim);

	if (unlikely(chunk_size_nomask(victim) <= CHUNK_HDR_SZ ||
		     chunk_size_nomask(victim) > av->system_mem)) {
		malloc_corruption("malloc(): memory corruption", mem);
		return;
	}
	if (unlikely(chunk_size_nomask(next) < CHUNK_HDR_SZ ||
		     chunk_size_nomask(next) > av->system_mem))
		malloc_corruption("malloc(): invalid next size (unsorted)",
				  mem);
	if (unlikely((next->prev_size & ~SIZE_BITS) != size))
		malloc_corruption("malloc(): mismatching next->prev_size "
				  "(unsorted)",
				  mem);
	if (unlikely(bck->fd != victim || victim->fd != unsorted_chunks(av)))
		malloc_corruption("malloc(): unsorted double linked list "
				  "corrupted",
				  mem);
	if (unlikely(prev_inuse(next)))
		malloc_corruption("malloc(): invalid next->prev_inuse "
				  "(unsorted)",
				  mem);
}

/**
 * struct unsorted_scan - what the unsorted scans of one malloc share.
 * @cached: an exact fit went to the per-thread cache.
 * @filed: chunks filed into bins so far (glibc's tcache_unsorted_count,
 *	checked against tcache_unsorted_limit).
 * @from_cache: the chunk returned was taken back from the cache.
 */
struct unsorted_scan {
	bool cached;
	size_t filed;
	bool from_cache;
};

/*
 * Stage 4: empty the unsorted bin, oldest chunk first, at most MAX_ITERS
 * chunks.  Returns a chunk for @nb (the last remainder split or an exact
 * fit) or NULL once every scanned chunk has been filed in its bin.  With
 * the per-thread cache on, exact fits fill the cache first and one of
 * them comes back from it, with @scan->cached set.
 */
static struct malloc_chunk *malloc_unsorted(struct malloc_state *av, size_t nb,
					    struct unsorted_scan *scan)
{
	struct malloc_chunk *unsorted = unsorted_chunks(av);
	size_t tc_idx = tcache_csize2idx(nb);
	bool caching = tcache_has_bin(tc_idx);
	struct malloc_chunk *victim;
	unsigned int iters = 0;

	while ((victim = unsorted->bk) != unsorted) {
		struct malloc_chunk *bck = victim->bk;
		size_t size = chunk_size(victim);

		unsorted_check(av, victim, bck);
		if (in_smallbin_range(nb) && bck == unsorted &&
		    victim == av->last_remainder && size > nb + MINSIZE) {
			split_last_remainder(av, victim, size, nb);
			return victim;
		}
		if (unlikely(bck->fd != victim))
			malloc_corruption(
				"malloc(): corrupted unsorted chunks 3",
				chunk2mem(victim));
		unsorted->bk = bck;
		bck->fd = unsorted;
		if (size == nb) {
			set_inuse_bit_at_offset(victim, size);
			if (!caching || !tcache_room(tc_idx))
				return victim;
			if (av != &main_arena)
				store_size_word(victim, load_size_word(victim) |
								NON_MAIN_ARENA);
			tcache_put(victim, tc_idx);
			scan->cached = true;
			continue;
		}
		bin_place(av, victim);
		scan->filed++;
		if (scan->cached && mp_.tcache_unsorted_limit > 0 &&
		    scan->filed > mp_.tcache_unsorted_limit)
			break;
		if (++iters >= MAX_ITERS)
			break;
	}
	if (!scan->cached)
		return NULL;
	scan->from_cache = true;
	return mem2chunk(tcache_get(tc_idx));
}

/*
 * Stage 5: best fit in the large bin @idx of a large request: the
 * smallest chunk of at least @nb, preferring the second chunk of a run
 * of equal sizes so that the skip list stays as it is.
 */
static struct malloc_chunk *malloc_largebin(struct malloc_state *av, size_t nb,
					    unsigned int idx)
{
	struct malloc_chunk *bin = bin_at(av, idx);
	struct malloc_chunk *victim = bin_first(bin);
	size_t size;

	if (victim == bin || chunk_size_nomask(victim) < nb)
		return NULL;
	victim = victim->bk_nextsize;
	while ((size = chunk_size(victim)) < nb)
		victim = victim->bk_nextsize;
	if (victim != bin_last(bin) &&
	    chunk_size_nomask(victim) == chunk_size_nomask(victim->fd))
		victim = victim->fd;
	unlink_chunk(av, victim);
	split_to_unsorted(av, victim, size, nb,
			  "malloc(): corrupted unsorted chunks");
	return victim;
}

/*
 * Stage 6: scan the binmap from bin @idx + 1 for the first non-empty
 * bin and split its smallest chunk (the last one: small bins hold one
 * size, large bins are sorted largest first).  Bits of bins found empty
 * on the way are cleared.
 */
static struct malloc_chunk *malloc_binmap(struct malloc_state *av, size_t nb,
					  unsigned int idx)
{
	unsigned int block = idx2block(++idx);
	unsigned int map = av->binmap[block];
	unsigned int bit = idx2bit(idx);
	struct malloc_chunk *bin = bin_at(av, idx);

	for (;;) {
		struct malloc_chunk *victim;

		if (bit > map || bit == 0) {
			do {
				if (++block >= BINMAPSIZE)
					return NULL;
			} while ((map = av->binmap[block]) == 0);
			bin = bin_at(av, block << BINMAPSHIFT);
			bit = 1;
		}
		while ((bit & map) == 0) {
			bin = next_bin(bin);
			bit <<= 1;
		}
		victim = bin_last(bin);
		if (victim == bin) {
			/* A stale bit: clear it and try the next bin. */
			av->binmap[block] = map &= ~bit;
			bin = next_bin(bin);
			bit <<= 1;
			continue;
		}
		/* The only check of a chunk's size on this path (glibc's). */
		malloc_assert(chunk_size(victim) >= nb);
		unlink_chunk(av, victim);
		split_to_unsorted(av, victim, chunk_size(victim), nb,
				  "malloc(): corrupted unsorted chunks 2");
		return victim;
	}
}

/* Stage 7: split @nb bytes off top when top keeps at least MINSIZE. */
static struct malloc_chunk *malloc_top(struct malloc_state *av, size_t nb)
{
	struct malloc_chunk *victim = av->top;
	size_t size = chunk_size(victim);

	if (unlikely(size > av->system_mem))
		malloc_corruption("malloc(): corrupted top size",
				  chunk2mem(victim));
	if (size < nb + MINSIZE)
		return NULL;
	av->top = chunk_at_offset(victim, nb);
	set_head(av->top, (size - nb) | PREV_INUSE);
	set_head(victim, nb | PREV_INUSE);
	return victim;
}

/* Stages 4 to 7 for a chunk of @nb bytes in bin @idx. */
static struct malloc_chunk *malloc_from_bins(struct malloc_state *av, size_t nb,
					     unsigned int idx,
					     struct unsorted_scan *scan)
{
	struct malloc_chunk *victim = malloc_unsorted(av, nb, scan);

	if (victim == NULL && !in_smallbin_range(nb))
		victim = malloc_largebin(av, nb, idx);
	if (victim == NULL)
		victim = malloc_binmap(av, nb, idx);
	if (victim == NULL)
		victim = malloc_top(av, nb);
	return victim;
}

/*
 * Stages 3 to 9 for a chunk of @nb bytes (a request of @bytes) that no
 * exact-size bin could serve.
 */
static pt_noinline void *malloc_general(struct malloc_state *av, size_t nb,
					size_t bytes)
{
	struct unsorted_scan scan = { false, 0, false };
	unsigned int idx = bin_index(nb);
	struct malloc_chunk *victim;
	void *mem;

	if (!in_smallbin_range(nb) && fastchunks_maybe(av))
		malloc_consolidate(av);
	for (;;) {
		victim = malloc_from_bins(av, nb, idx, &scan);
		if (scan.from_cache)
			return chunk2mem(victim);
		if (victim != NULL)
			return chunk_out(av, victim, bytes);
		if (!fastchunks_maybe(av))
			break;
		malloc_consolidate(av);
		idx = bin_index(nb);
	}
	mem = sysmalloc(nb, av);
	if (mem != NULL)
		alloc_perturb(mem, bytes);
	return mem;
}

/*
 * Stage 1 with the per-thread cache on: after @victim, move more chunks
 * of its fast bin into the cache, then hand @victim out.
 */
static pt_noinline void *fastbin_out_stashing(struct malloc_state *av,
					      struct malloc_chunk *victim,
					      size_t nb, size_t bytes)
{
	tcache_stash_fastbin(av, nb);
	return chunk_out(av, victim, bytes);
}

/*
 * Stage 1 when the head @victim of the fast bin of @nb bytes looked
 * suspect: report the check that fails, which makes the request fail
 * (glibc 2.17 returns NULL after the report); if none really does,
 * take @victim as usual.  As in glibc, a head with a wrong size is
 * taken off its bin before the report, so that the bin stays usable.
 * A push by another thread in the meantime sends the request back to
 * the start.
 */
static pt_noinline void *fastbin_out_checked(struct malloc_state *av,
					     struct malloc_chunk *victim,
					     size_t nb, size_t bytes)
{
	const char *err = fastbin_head_error(victim);

	if (err != NULL) {
		malloc_corruption(err, chunk2mem(victim));
		return NULL;
	}
	if (!fastbin_take(fastbin(av, fastbin_index(nb)), &victim))
		return int_malloc(av, bytes);
	if (fastbin_index(chunk_size(victim)) != fastbin_index(nb)) {
		malloc_corruption("malloc(): memory corruption (fast)",
				  chunk2mem(victim));
		return NULL;
	}
	if (tcache != NULL)
		return fastbin_out_stashing(av, victim, nb, bytes);
	return chunk_out(av, victim, bytes);
}

/*
 * Stage 2 with the per-thread cache on: after @victim, move more chunks
 * of its small bin into the cache, then hand @victim out.
 */
static pt_noinline void *smallbin_out_stashing(struct malloc_state *av,
					       struct malloc_chunk *victim,
					       size_t nb, size_t bytes)
{
	tcache_stash_smallbin(av, nb);
	return chunk_out(av, victim, bytes);
}

/*
 * Allocate @bytes from the arena @av, whose lock the caller holds.
 * Returns the user pointer, or NULL with errno ENOMEM.  Stages 1 and 2
 * are here; a hit in either, the common case, makes no call, and every
 * other way out is a jump, so that the function needs no frame.
 */
void *int_malloc(struct malloc_state *av, size_t bytes)
{
	struct malloc_chunk *victim;
	size_t nb;

	if (!checked_request2size(bytes, &nb)) {
		errno = ENOMEM;
		return NULL;
	}
	if (nb <= get_max_fast()) {
		unsigned int idx = fastbin_index(nb);
		struct malloc_chunk **fb = fastbin(av, idx);

		victim = fastbin_head(fb);
		while (victim != NULL) {
			if (fastbin_head_suspect(victim, idx))
				return fastbin_out_checked(av, victim, nb,
							   bytes);
			if (!fastbin_take(fb, &victim))
				continue;
			if (tcache != NULL)
				return fastbin_out_stashing(av, victim, nb,
							    bytes);
			return chunk_out(av, victim, bytes);
		}
	}
	if (in_smallbin_range(nb)) {
		victim = malloc_smallbin(av, nb);
		if (victim != NULL) {
			if (tcache != NULL)
				return smallbin_out_stashing(av, victim, nb,
							     bytes);
			return chunk_out(av, victim, bytes);
		}
	}
	return malloc_general(av, nb, bytes);
}
