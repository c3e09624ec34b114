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
 * The list links are stored with glibc 2.32's safe-linking, which
 * changes no placement.  The second word of a cached chunk holds a
 * process-wide random key, so that free() can recognise a chunk that
 * is already cached (a double free).
 */
#ifndef PTM_TCACHE_H
#define PTM_TCACHE_H

#include <stdint.h>

#include "internal.h"

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

pt_hidden extern __thread struct tcache_perthread *tcache;
pt_hidden extern uintptr_t tcache_key;

/*
 * Safe-linking (glibc 2.32): a stored link is the pointer XORed with
 * the address of the field holding it, shifted right by 12, so that a
 * forged or overflowed link is unlikely to point anywhere aligned.
 */
static inline void *protect_ptr(const void *pos, const void *ptr)
{
	return (void *)(((uintptr_t)pos >> 12) ^ (uintptr_t)ptr);
}

/* The pointer stored at @pos with protect_ptr(). */
static inline void *reveal_ptr(void *const *pos)
{
	return protect_ptr(pos, *pos);
}

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

/* Take the first chunk of list @tc_idx, which is not empty. */
static inline void *tcache_get(size_t tc_idx)
{
	struct tcache_entry *e = tcache->entries[tc_idx];

	if (unlikely(!aligned_ok((uintptr_t)e)))
		malloc_corruption("malloc(): unaligned tcache chunk detected",
				  e);
	tcache->entries[tc_idx] = reveal_ptr((void **)&e->next);
	tcache->counts[tc_idx]--;
	e->key = 0;
	return e;
}

/* Whether list @tc_idx has room for another chunk. */
static inline bool tcache_room(size_t tc_idx)
{
	return tcache->counts[tc_idx] < mp_.tcache_count;
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
pt_hidden void tcache_double_free_check(struct tcache_entry *e, size_t tc_idx);
pt_hidden void tcache_thread_shutdown(void);

#endif /* PTM_TCACHE_H */
