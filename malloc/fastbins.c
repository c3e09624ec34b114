// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fast-bin consolidation.
 *
 * Freed chunks no larger than max_fast sit in the fast bins unmerged,
 * still marked in use, so that runs of small malloc/free pairs never
 * touch the doubly linked bins.  malloc_consolidate() empties every fast
 * bin, merging each chunk with its free neighbours and putting the
 * result in the unsorted bin or into top.  It runs before a large
 * request is served, when top cannot serve a request, on a free that
 * leaves a chunk of at least FASTBIN_CONSOLIDATION_THRESHOLD, and at the
 * start of mallopt() and malloc_trim().
 */
#include "internal.h"

/*
 * Merge the fast chunk @p with its free neighbours and file the result
 * in the unsorted bin, or into top when it borders top.
 */
static void consolidate_chunk(struct malloc_state *av, struct malloc_chunk *p)
{
	size_t size = chunk_size(p);
	struct malloc_chunk *next = chunk_at_offset(p, size);
	size_t nextsize = chunk_size(next);

	if (!prev_inuse(p)) {
		size_t prevsize = p->prev_size;

		size += prevsize;
		p = chunk_at_offset(p, -(ptrdiff_t)prevsize);
		if (unlikely(chunk_size(p) != prevsize))
			malloc_corruption("corrupted size vs. prev_size in "
					  "fastbins",
					  p);
		unlink_chunk(av, p);
	}
	if (next == av->top) {
		size += nextsize;
		set_head(p, size | PREV_INUSE);
		av->top = p;
		return;
	}
	if (!inuse_bit_at_offset(next, nextsize)) {
		size += nextsize;
		unlink_chunk(av, next);
	} else {
		clear_inuse_bit_at_offset(next, 0);
	}
	set_head(p, size | PREV_INUSE);
	unsorted_insert(av, p, NULL);
	set_foot(p, size);
}

/*
 * Take the whole list of fast bin @fb off it, leaving it empty.  Other
 * threads may be pushing onto it without the lock: an atomic exchange
 * then, as glibc's.
 */
static inline struct malloc_chunk *fastbin_empty(struct malloc_chunk **fb)
{
	struct malloc_chunk *p;

	if (!single_threaded())
		return __atomic_exchange_n(fb, NULL, __ATOMIC_ACQUIRE);
	p = *fb;
	__atomic_store_n(fb, NULL, __ATOMIC_RELAXED);
	return p;
}

/*
 * Empty every fast bin of @av, lowest index first and each list from its
 * head, merging the chunks into the unsorted bin or top.
 */
void malloc_consolidate(struct malloc_state *av)
{
	fastchunks_set(av, false);
	for (unsigned int i = 0; i < NFASTBINS; i++) {
		struct malloc_chunk *p = fastbin_empty(fastbin(av, i));

		while (p != NULL) {
			struct malloc_chunk *nextp;

			if (unlikely(misaligned_chunk(p))) {
				/* The rest of the list cannot be trusted. */
				malloc_corruption("malloc_consolidate(): "
						  "unaligned fastbin chunk "
						  "detected",
						  chunk2mem(p));
				break;
			}
			nextp = fastbin_next(p);
			if (unlikely(fastbin_index(chunk_size(p)) != i))
				malloc_corruption("malloc_consolidate(): "
						  "invalid chunk size",
						  chunk2mem(p));
			consolidate_chunk(av, p);
			p = nextp;
		}
	}
}
