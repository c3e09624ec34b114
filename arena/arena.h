/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Arenas other than the main one, and the sub-heaps they live in.
 *
 * A non-main arena's memory is a chain of sub-heaps.  Each sub-heap is a
 * HEAP_MAX_SIZE reservation (64 MiB on x86_64) aligned to HEAP_MAX_SIZE,
 * so the sub-heap of any chunk is found by masking the chunk's address,
 * and from its header the arena:
 *
 *   aligned to HEAP_MAX_SIZE
 *   v
 *   +-----------+-------------------+-------+---------+- - - - - - - - -+
 *   | heap_info | struct            | chunks ... top  | PROT_NONE       |
 *   | ar_ptr,   | malloc_state      |       |         | (reserved, not  |
 *   | prev, ... | (first heap only) |       |         |  yet usable)    |
 *   +-----------+-------------------+-------+---------+- - - - - - - - -+
 *   |<------------------ size (read-write) --------->|
 *   |<------------------------- HEAP_MAX_SIZE ---------------------------->|
 *
 * Growing a sub-heap makes more of its reservation read-write; when it
 * is full, a new sub-heap is chained in front of it (prev points back).
 */
#ifndef PTM_ARENA_H
#define PTM_ARENA_H

#include <stdint.h>

#include "../malloc/internal.h"

/**
 * struct heap_info - the header at the start of every sub-heap.
 * @ar_ptr: the arena this sub-heap belongs to.
 * @prev: the arena's previous sub-heap (NULL for the first).
 * @size: bytes of the sub-heap in use as heap (read-write, page multiple).
 * @mprotect_size: bytes made read-write so far; never less than @size
 *	(shrinking may leave pages writable but advised away).
 * @pad: makes the header plus a chunk header (2 * SIZE_SZ) a multiple of
 *	MALLOC_ALIGNMENT, so that the user pointer of the first chunk is
 *	aligned (glibc 2.17's rule; on i386 with 16-byte alignment the
 *	header alone is 24 bytes, not a multiple).
 */
struct heap_info {
	struct malloc_state *ar_ptr;
	struct heap_info *prev;
	size_t size;
	size_t mprotect_size;
	char pad[-6 * SIZE_SZ & MALLOC_ALIGN_MASK];
};

_Static_assert((sizeof(struct heap_info) + 2 * SIZE_SZ) % MALLOC_ALIGNMENT == 0,
	       "sub-heap header must keep the first user pointer aligned");

/* The sub-heap holding the non-main chunk @p. */
static inline struct heap_info *heap_for_ptr(const void *p)
{
	return (struct heap_info *)((uintptr_t)p & ~(HEAP_MAX_SIZE - 1));
}

/* The first chunk of the sub-heap @h, right after its header. */
static inline struct malloc_chunk *heap_first_chunk(struct heap_info *h)
{
	return (struct malloc_chunk *)(h + 1);
}

/* The chunk @offset bytes into the sub-heap @h. */
static inline struct malloc_chunk *heap_chunk_at(struct heap_info *h,
						 size_t offset)
{
	return (struct malloc_chunk *)((char *)h + offset);
}

/* arena/heap.c */
pt_hidden struct heap_info *new_heap(size_t size, size_t top_pad);
pt_hidden int grow_heap(struct heap_info *h, long diff);
pt_hidden int heap_trim(struct heap_info *heap, size_t pad);

/* arena/arena.c */
pt_hidden extern os_thread_local struct malloc_state *thread_arena;
pt_hidden struct malloc_state *arena_get_first(size_t bytes);
pt_hidden struct malloc_state *arena_get_retry(struct malloc_state *av,
					       size_t bytes);
pt_hidden bool arena_multi_threaded(void);
pt_hidden void arena_init(void);
pt_hidden void arena_fork_lock_list(void);
pt_hidden void arena_fork_unlock_list(void);
pt_hidden void arena_fork_reset_child(void);
pt_hidden struct malloc_state *arena_list_next(const struct malloc_state *av);

/*
 * The arena the calling thread allocates @bytes from, returned locked.
 * A thread's first call picks one for it.  NULL only when no arena at
 * all can be had.
 */
static inline struct malloc_state *arena_get(size_t bytes)
{
	struct malloc_state *av = thread_arena;

	if (likely(av != NULL)) {
		arena_lock(av);
		return av;
	}
	return arena_get_first(bytes);
}

/* The arena owning the heap chunk @p, whose size word is @head. */
static inline struct malloc_state *arena_for_head(const struct malloc_chunk *p,
						  size_t head)
{
	if (!(head & NON_MAIN_ARENA))
		return &main_arena;
	return heap_for_ptr(p)->ar_ptr;
}

/* The arena owning the heap chunk @p. */
static inline struct malloc_state *arena_for_chunk(const struct malloc_chunk *p)
{
	return arena_for_head(p, load_size_word(p));
}

/* arena/fork.c */
pt_hidden void arena_fork_init(void);

#endif /* PTM_ARENA_H */
