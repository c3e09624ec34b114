/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fast bins: NFASTBINS singly linked LIFO lists of the smallest
 * freed chunks, kept unmerged and still "in use" as far as their
 * neighbours know, so that runs of small malloc/free pairs never touch
 * the doubly linked bins.
 *
 * This module owns every operation on them: the push of free() (step 2
 * of int_free.c) with its checks, the take of malloc() (stage 1 of
 * int_malloc.c) with its checks, the per-thread cache's refill from a
 * fast bin, and malloc_consolidate(), which empties them into the
 * unsorted bin.  The hot paths are inline here; reports, rechecks and
 * the rare paths are in fastbins.c.
 *
 * Concurrency, as in glibc: once the process has a second thread,
 * free() pushes with a compare-and-swap and no arena lock, while only
 * the holder of the arena lock takes chunks off (so the take needs no
 * ABA guard) or empties a bin (an atomic exchange).  Readers under the
 * lock (statistics, malloc_info, the heap check) load a head with
 * acquire order and walk the links below it, which no push changes.
 */
#ifndef PTM_FASTBINS_H
#define PTM_FASTBINS_H

#include "internal.h"

/* The chunk after @p on its fast bin. */
static inline struct malloc_chunk *fastbin_next(const struct malloc_chunk *p)
{
	return reveal_ptr((void *const *)&p->fd);
}

/* Make @next the chunk after @p on its fast bin. */
static inline void fastbin_set_next(struct malloc_chunk *p,
				    struct malloc_chunk *next)
{
	p->fd = protect_ptr(&p->fd, next);
}

/* The fast bin head of index @idx. */
static inline struct malloc_chunk **fastbin(struct malloc_state *av,
					    unsigned int idx)
{
	return &av->fastbins[idx];
}

/*
 * Once the process has a second thread, free() pushes onto the fast
 * bins without the arena lock (glibc's compare-and-swap push, int_free.c)
 * while the lock holder takes chunks off.  The head is therefore read
 * with an acquire load: the chunk it names, and every link below it,
 * were published by the releasing push.
 */
static inline struct malloc_chunk *fastbin_head(struct malloc_chunk **fb)
{
	return __atomic_load_n(fb, __ATOMIC_ACQUIRE);
}

/*
 * have_fastchunks is set by the lock-free push and read and cleared
 * under the lock: relaxed atomic accesses (as glibc 2.27 and later).  It
 * only says the fast bins may hold chunks: a push that races with
 * malloc_consolidate() can leave a chunk behind with the flag clear,
 * which only delays its merging to the next consolidation.
 */
static inline bool fastchunks_maybe(const struct malloc_state *av)
{
	return __atomic_load_n(&av->have_fastchunks, __ATOMIC_RELAXED);
}

static inline void fastchunks_set(struct malloc_state *av, bool maybe)
{
	__atomic_store_n(&av->have_fastchunks, maybe, __ATOMIC_RELAXED);
}

/*
 * Take *@victimp, the head of fast bin @fb, off it; the caller holds the
 * arena lock.  Only a lock holder takes chunks off, so the head's own
 * link cannot change under it (no ABA), but a concurrent push may have
 * put a new head in front: then false, with *@victimp set to that head
 * for the caller to look at again.
 */
static inline bool fastbin_take(struct malloc_chunk **fb,
				struct malloc_chunk **victimp)
{
	struct malloc_chunk *next = fastbin_next(*victimp);

	if (single_threaded()) {
		__atomic_store_n(fb, next, __ATOMIC_RELAXED);
		return true;
	}
	return __atomic_compare_exchange_n(fb, victimp, next, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE);
}

/* malloc/fastbins.c */
pt_hidden bool fast_next_size_recheck(struct malloc_state *av,
				      struct malloc_chunk *next);
pt_hidden void fastbin_free_shared(struct malloc_state *av,
				   struct malloc_chunk *p, size_t size,
				   bool have_lock);
pt_hidden const char *fastbin_head_error(struct malloc_chunk *victim);
pt_hidden void tcache_stash_fastbin(struct malloc_state *av, size_t nb);
pt_hidden void malloc_consolidate(struct malloc_state *av);

/* ---- the take (malloc, stage 1) ---- */

/*
 * Whether @next, the link a take from a fast bin installs as its new
 * head, fails glibc's check of it.  glibc makes the check only on its
 * multi-threaded path, taken once the process has created a thread
 * (SINGLE_THREAD_P).
 */
static inline bool fastbin_next_bad(const struct malloc_chunk *next)
{
	return !single_threaded() && next != NULL && misaligned_chunk(next);
}

/*
 * A cheap test that @victim, the head of fast bin @idx, may fail a
 * check of stage 1 (fastbin_head_error() says which, if any).
 */
static inline bool fastbin_head_suspect(struct malloc_chunk *victim,
					unsigned int idx)
{
	/* Nothing is read through a misaligned head. */
	if (unlikely(misaligned_chunk(victim)))
		return true;
	return unlikely(misaligned_chunk(fastbin_next(victim)) ||
			fastbin_index(chunk_size(victim)) != idx);
}

/* ---- the push (free, step 2) ---- */

/*
 * Step 2: link @p at the head of fast bin @fb; the old head goes in
 * *@oldp.  When @shared (the process has had a second thread) the push
 * is glibc's lock-free one, a compare-and-swap with release order that publishes
 * @p's link; the arena lock is not needed (only its holder takes chunks
 * off, fastbin_take()).  Returns glibc's message if @p is already the head
 * (a double free), or NULL.
 */
static pt_always_inline const char *fastbin_link(struct malloc_chunk **fb,
						 struct malloc_chunk *p,
						 struct malloc_chunk **oldp,
						 bool shared)
{
	struct malloc_chunk *old = __atomic_load_n(fb, __ATOMIC_RELAXED);

	if (!shared) {
		if (unlikely(old == p))
			return "double free or corruption (fasttop)";
		fastbin_set_next(p, old);
		__atomic_store_n(fb, p, __ATOMIC_RELAXED);
		*oldp = old;
		return NULL;
	}
	do {
		if (unlikely(old == p))
			return "double free or corruption (fasttop)";
		fastbin_set_next(p, old);
	} while (!__atomic_compare_exchange_n(
		fb, &old, p, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	*oldp = old;
	return NULL;
}

/*
 * Whether the size word of @next, the chunk after a fast chunk of @av,
 * is impossible: glibc's "invalid next size (fast)".
 */
static inline bool fast_next_size_impossible(struct malloc_state *av,
					     struct malloc_chunk *next)
{
	return chunk_size_nomask(next) <= CHUNK_HDR_SZ ||
	       chunk_size(next) >= arena_system_mem(av);
}

/*
 * Step 2's check of the chunk after @p (@size bytes).  When other
 * threads may be growing system_mem under a check made without the
 * arena lock (@shared, not @have_lock), a failure is confirmed under the
 * lock before it is reported, as glibc does.
 */
static pt_always_inline bool fast_next_size_bad(struct malloc_state *av,
						struct malloc_chunk *p,
						size_t size, bool have_lock,
						bool shared)
{
	struct malloc_chunk *next = chunk_at_offset(p, size);

	if (likely(!fast_next_size_impossible(av, next)))
		return false;
	return have_lock || !shared || fast_next_size_recheck(av, next);
}

/*
 * Step 2 proper: glibc's checks of @p (@size bytes) and its neighbour,
 * then the push onto its fast bin.  Returns the message of a failed
 * check, or NULL.  @perturb: fill the chunk for M_PERTURB, at the point
 * where glibc does.  The old head's bin is checked, after the push as
 * in glibc, only when @have_lock: glibc does so only for callers that
 * hold the arena lock (realloc, memalign), since its free() pushes
 * without the lock and the old head may have been handed out again.
 * @shared: whether other threads may push at the same time.
 */
static pt_always_inline const char *fastbin_push(struct malloc_state *av,
						 struct malloc_chunk *p,
						 size_t size, bool perturb,
						 bool have_lock, bool shared)
{
	unsigned int idx = fastbin_index(size);
	struct malloc_chunk *old;
	const char *err;

	if (unlikely(fast_next_size_bad(av, p, size, have_lock, shared)))
		return "free(): invalid next size (fast)";
	if (perturb)
		free_perturb(chunk2mem(p), size - CHUNK_HDR_SZ);
	fastchunks_set(av, true);
	err = fastbin_link(fastbin(av, idx), p, &old, shared);
	if (err != NULL)
		return err;
	if (have_lock && old != NULL &&
	    unlikely(fastbin_index(chunk_size(old)) != idx))
		return "invalid fastbin entry (free)";
	return NULL;
}

#endif /* PTM_FASTBINS_H */
