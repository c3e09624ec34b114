/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-thread cache of glibc 2.26 and later (opt-in here: it is on
 * only when GLIBC_TUNABLES sets glibc.malloc.tcache_count to a positive
 * value, so that the default allocator is glibc 2.17's and the source
 * documents' figures hold).
 *
 * Each thread owns a small array of singly linked lists, one per chunk
 * size from MINSIZE to MAX_TCACHE_SIZE + SIZE_SZ, each holding at most
 * tcache_count chunks.  Cached chunks stay "in use" as far as their arena
 * knows; malloc and free of those sizes touch no lock while a list has
 * room or entries.  The header of the cache itself is a chunk allocated
 * from the thread's arena on the thread's first malloc (656 bytes on
 * x86_64, as in glibc 2.30 and later).
 *
 * The list links are stored with glibc 2.32's safe-linking when it is
 * on (internal.h), which changes no placement.  The second word of a cached chunk holds a
 * process-wide random key, so that free() can recognise a chunk that
 * is already cached (a double free).
 */
#ifndef PTM_TCACHE_H
#define PTM_TCACHE_H

#include <stdint.h>

#include "internal.h"

/*
 * The per-thread cache geometry of glibc 2.26 and later: 64 size classes
 * of MALLOC_ALIGNMENT steps from MINSIZE, so requests up to 1032 bytes
 * on x86_64, at most 7 chunks each by default, 65535 at most.
 * MAX_TCACHE_SIZE is tcache_idx2usize(TCACHE_MAX_BINS - 1), spelled out
 * so that it can initialise mp_.
 */
#define TCACHE_MAX_BINS 64
#define TCACHE_FILL_COUNT 7
#define MAX_TCACHE_COUNT 65535
#define MAX_TCACHE_SIZE \
	((size_t)(TCACHE_MAX_BINS - 1) * MALLOC_ALIGNMENT + MINSIZE - SIZE_SZ)

/*
 * The largest request the cache list @idx serves: the list's chunk size
 * less the size word the chunk's successor lends it (glibc's tidx2usize).
 */
static inline size_t tcache_idx2usize(size_t idx)
{
	return idx * MALLOC_ALIGNMENT + MINSIZE - SIZE_SZ;
}

/*
 * The cache list of chunks of @csize bytes (a chunk size, at least
 * MINSIZE): one list per MALLOC_ALIGNMENT step (glibc's csize2tidx).
 */
static inline size_t tcache_csize2idx(size_t csize)
{
	return (csize - MINSIZE + MALLOC_ALIGNMENT - 1) / MALLOC_ALIGNMENT;
}

/**
 * struct tcache_entry - the first two words of a cached chunk's user data.
 * @next: the next entry of the same size, safe-linked.
 * @key: tcache_key while cached, to catch double frees; 0 once handed out.
 */
struct tcache_entry {
	struct tcache_entry *next;
	uintptr_t key;
};

/**
 * struct tcache_perthread - a thread's cache.
 * @counts: number of chunks on each list.
 * @entries: the head of each list.
 */
struct tcache_perthread {
	uint16_t counts[TCACHE_MAX_BINS];
	struct tcache_entry *entries[TCACHE_MAX_BINS];
};

pt_hidden extern os_thread_local struct tcache_perthread *tcache;
pt_hidden extern uintptr_t tcache_key;

/* Whether chunks of size @nb have a cache list for this thread. */
static inline bool tcache_has_bin(size_t tc_idx)
{
	return tcache != NULL && tc_idx < mp_.tcache_bins;
}

/* Cache the chunk @p on list @tc_idx; the caller checked there is room. */
static inline void tcache_put(struct malloc_chunk *p, size_t tc_idx)
{
	struct tcache_entry *e = chunk2mem(p);

	e->key = tcache_key;
	e->next = protect_ptr(&e->next, tcache->entries[tc_idx]);
	tcache->entries[tc_idx] = e;
	tcache->counts[tc_idx]++;
}

/* Unlink @e, the first chunk of list @tc_idx, and hand it out. */
static inline void *tcache_pop(struct tcache_entry *e, size_t tc_idx)
{
	tcache->entries[tc_idx] = reveal_ptr((void **)&e->next);
	tcache->counts[tc_idx]--;
	e->key = 0;
	return e;
}

pt_hidden pt_cold void *tcache_get_misaligned(size_t tc_idx);

/*
 * Take the first chunk of list @tc_idx, which is not empty.  A head
 * that is not aligned was forged or overwritten: reported out of line.
 */
static inline void *tcache_get(size_t tc_idx)
{
	struct tcache_entry *e = tcache->entries[tc_idx];

	if (unlikely(!aligned_ok((uintptr_t)e)))
		return tcache_get_misaligned(tc_idx);
	return tcache_pop(e, tc_idx);
}

/* Whether list @tc_idx has room for another chunk. */
static inline bool tcache_room(size_t tc_idx)
{
	return tcache->counts[tc_idx] < mp_.tcache_count;
}

/* tcache_req2idx() of a request too large for the thread's lists. */
#define TCACHE_NO_BIN SIZE_MAX

/*
 * The cache list of a request of @bytes, tcache_csize2idx(request2size(@bytes))
 * in one step, or TCACHE_NO_BIN when @bytes exceeds
 * mp_.tcache_max_request.  Above the requests that pad to MINSIZE there
 * is a list per MALLOC_ALIGNMENT bytes (MINSIZE is a multiple of it);
 * those requests wrap below zero and so past the one bound check, which
 * sends them to their list 0 off the common path.
 */
static inline size_t tcache_req2idx(size_t bytes)
{
	const size_t pad = SIZE_SZ + MALLOC_ALIGN_MASK;
	size_t tc_idx = (bytes - (MINSIZE - pad)) / MALLOC_ALIGNMENT;

	if (likely(tc_idx < mp_.tcache_bins))
		return tc_idx;
	return bytes <= mp_.tcache_max_request ? 0 : TCACHE_NO_BIN;
}

/*
 * A chunk for a request of @bytes from the calling thread's cache @tc
 * (not NULL), or NULL when it has none of that size.
 */
static inline void *tcache_try_get(struct tcache_perthread *tc, size_t bytes)
{
	size_t tc_idx = tcache_req2idx(bytes);

	if (tc_idx == TCACHE_NO_BIN || tc->counts[tc_idx] == 0)
		return NULL;
	return tcache_get(tc_idx);
}

pt_hidden void tcache_free_keyed(struct malloc_state *av,
				 struct malloc_chunk *p, size_t size,
				 bool have_lock);

/*
 * tcache_try_put() once the thread is known to have the list @tc_idx
 * for chunks of @size: the double-free check if @p carries the key,
 * then the room check.  Returns whether the free is done.
 */
static inline bool tcache_try_put_bin(struct malloc_state *av,
				      struct malloc_chunk *p, size_t size,
				      size_t tc_idx, bool have_lock)
{
	struct tcache_entry *e = chunk2mem(p);

	if (unlikely(e->key == tcache_key)) {
		tcache_free_keyed(av, p, size, have_lock);
		return true;
	}
	if (!tcache_room(tc_idx))
		return false;
	tcache_put(p, tc_idx);
	return true;
}

/*
 * The per-thread cache's step of every free of the heap chunk @p (@size
 * bytes, past the chunk checks) of arena @av: cache it if the calling
 * thread has a list for that size with room.  A chunk carrying the
 * cache key may already be cached: it goes out of line to
 * tcache_free_keyed(), which checks for the double free and finishes
 * the free itself (so that the common path makes no call it must come
 * back from).  Returns whether the free is done; if not, the chunk goes
 * to its arena.  @av: the chunk's arena, or NULL for the slow path to
 * look it up (free() leaves the lookup off its fast path); @have_lock:
 * the caller holds its lock.
 */
static inline bool tcache_try_put(struct malloc_state *av,
				  struct malloc_chunk *p, size_t size,
				  bool have_lock)
{
	size_t tc_idx = tcache_csize2idx(size);

	if (!tcache_has_bin(tc_idx))
		return false;
	return tcache_try_put_bin(av, p, size, tc_idx, have_lock);
}

/* malloc/tcache.c */
pt_hidden void tcache_init(void);

/*
 * With the per-thread cache on, a thread's first heap operation gives
 * it its cache (glibc's MAYBE_INIT_TCACHE), before it allocates.
 */
static inline void tcache_init_once(void)
{
	if (unlikely(mp_.tcache_enabled && tcache == NULL))
		tcache_init();
}

pt_hidden void tcache_key_init(void);
pt_hidden void tcache_thread_shutdown(void);

#endif /* PTM_TCACHE_H */
