// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fast bins' rare paths (fastbins.h has the hot ones): the push
 * made where other threads may push too, the rechecks and reports, the
 * per-thread cache's refill, and consolidation.
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
#include "fastbins.h"
#include "tcache.h"

/* The check of @next failed without the lock: make it again under it. */
bool fast_next_size_recheck(struct malloc_state *av, struct malloc_chunk *next)
{
	bool bad;

	arena_lock(av);
	bad = fast_next_size_impossible(av, next);
	arena_unlock(av);
	return bad;
}

/*
 * Step 2 in general: with M_PERTURB honoured, and in a multi-threaded
 * process, where the push is lock-free.
 */
void fastbin_free_shared(struct malloc_state *av, struct malloc_chunk *p,
			 size_t size, bool have_lock)
{
	const char *err =
		fastbin_push(av, p, size, true, have_lock, !single_threaded());

	if (unlikely(err != NULL))
		malloc_corruption(err, chunk2mem(p));
}

/*
 * The alignment checks of stage 1 on @victim, the head of a fast bin,
 * made before it is taken off: the message of the first that fails, or
 * NULL.
 */
const char *fastbin_head_error(struct malloc_chunk *victim)
{
	if (misaligned_chunk(victim))
		return "malloc(): unaligned fastbin chunk detected 2";
	if (fastbin_next_bad(fastbin_next(victim)))
		return "malloc(): unaligned fastbin chunk detected";
	return NULL;
}

/* Stage 1, per-thread cache: move more chunks of the fast bin into it. */
void tcache_stash_fastbin(struct malloc_state *av, size_t nb)
{
	size_t tc_idx = tcache_csize2idx(nb);
	struct malloc_chunk **fb = fastbin(av, fastbin_index(nb));
	struct malloc_chunk *tc_victim;

	if (!tcache_has_bin(tc_idx))
		return;
	tc_victim = fastbin_head(fb);
	while (tcache_room(tc_idx) && tc_victim != NULL) {
		if (unlikely(misaligned_chunk(tc_victim))) {
			malloc_corruption("malloc(): unaligned fastbin chunk "
					  "detected 3",
					  chunk2mem(tc_victim));
			return;
		}
		if (unlikely(fastbin_next_bad(fastbin_next(tc_victim)))) {
			malloc_corruption("malloc(): unaligned fastbin chunk "
					  "detected",
					  chunk2mem(tc_victim));
			return;
		}
		if (!fastbin_take(fb, &tc_victim))
			continue;
		tcache_put(tc_victim, tc_idx);
		tc_victim = fastbin_head(fb);
	}
}

/*
 * malloc_consolidate()'s merge: glibc 2.26's prev_size check, reported
 * with the chunk's address, and no check of the unsorted bin.
 */
static const struct merge_checks consolidate_checks = {
	.prev_size = "corrupted size vs. prev_size in fastbins",
	.report_mem = false,
	.unsorted = NULL,
};

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
			merge_and_file(av, p, chunk_size(p),
				       &consolidate_checks);
			p = nextp;
		}
	}
}
