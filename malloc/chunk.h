/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The chunk: the unit of memory the allocator hands out and keeps.
 *
 * This header owns the chunk layout, its flag bits, the conversions
 * between user pointers and chunks and the request-to-chunk-size rule.
 * Everything is a static inline function over real types; nothing here
 * touches arena state.
 *
 * An allocated chunk:
 *
 *   chunk-> +-------------------------------+
 *           | prev_size (user data of the   |  only meaningful when the
 *           |  previous chunk if it is used)|  previous chunk is free
 *           +-------------------------------+
 *           | size of this chunk      |A|M|P|
 *     mem-> +-------------------------------+
 *           | user data ...                 |
 *           .                               .
 *   next -> +-------------------------------+
 *           | (prev_size: last SIZE_SZ of   |
 *           |  the user data above)         |
 *           +-------------------------------+
 *           | size of next chunk      |A|M|1|  P set: this chunk in use
 *           +-------------------------------+
 *
 * A free chunk keeps the list links in its first user words and repeats
 * its size in the next chunk's prev_size (the "foot"):
 *
 *   chunk-> | prev_size | size |P| fd | bk | fd_nextsize | bk_nextsize |
 *           ... unused ... | next: prev_size == size | size |A|M|0| ...
 *
 * fd_nextsize/bk_nextsize are used only by chunks in large bins.
 *
 * P = PREV_INUSE, M = IS_MMAPPED, A = NON_MAIN_ARENA.
 */
#ifndef PTM_CHUNK_H
#define PTM_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "malloc-machine.h"

/**
 * struct malloc_chunk - the header of a chunk and, when free, its links.
 * @prev_size: size of the previous chunk when it is free (its foot);
 *	otherwise the last word of the previous chunk's user data.
 *	For an mmapped chunk, the bytes skipped before it in its mapping.
 * @size: this chunk's size, a multiple of MALLOC_ALIGNMENT, with the
 *	three flag bits in its low bits.
 * @fd: next chunk in a bin list (free chunks only).
 * @bk: previous chunk in a bin list (free chunks only).
 * @fd_nextsize: next smaller size in a large bin (first of each size).
 * @bk_nextsize: next larger size in a large bin (first of each size).
 */
struct malloc_chunk {
	size_t prev_size;
	size_t size;
	struct malloc_chunk *fd;
	struct malloc_chunk *bk;
	struct malloc_chunk *fd_nextsize;
	struct malloc_chunk *bk_nextsize;
};

/* Flag bits kept in the low bits of the size word. */
#define PREV_INUSE 0x1UL
#define IS_MMAPPED 0x2UL
#define NON_MAIN_ARENA 0x4UL
#define SIZE_BITS (PREV_INUSE | IS_MMAPPED | NON_MAIN_ARENA)

#define MALLOC_ALIGN_MASK (MALLOC_ALIGNMENT - 1)

/* The smallest chunk: header plus the fd and bk links. */
#define MIN_CHUNK_SIZE (offsetof(struct malloc_chunk, fd_nextsize))

/* MIN_CHUNK_SIZE rounded up to the alignment (32 on x86_64). */
#define MINSIZE ((MIN_CHUNK_SIZE + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK)

/* Bytes between a chunk and its user pointer. */
#define CHUNK_HDR_SZ (2 * SIZE_SZ)

/*
 * The size word is read without a lock by free() and realloc() (which
 * need only the bits of their own chunk that never change) while the
 * holder of the arena lock may flip its PREV_INUSE bit.  Every access
 * is therefore a relaxed atomic load or store: plain moves on the
 * architectures this runs on, and no data race for ThreadSanitizer.
 */
static inline size_t load_size_word(const struct malloc_chunk *p)
{
	return __atomic_load_n(&p->size, __ATOMIC_RELAXED);
}

static inline void store_size_word(struct malloc_chunk *p, size_t v)
{
	__atomic_store_n(&p->size, v, __ATOMIC_RELAXED);
}

/* The user pointer of a chunk. */
static inline void *chunk2mem(const struct malloc_chunk *p)
{
	return (char *)p + CHUNK_HDR_SZ;
}

/* The chunk of a user pointer. */
static inline struct malloc_chunk *mem2chunk(const void *mem)
{
	return (struct malloc_chunk *)((char *)mem - CHUNK_HDR_SZ);
}

/* The size word without its flag bits. */
static inline size_t chunk_size(const struct malloc_chunk *p)
{
	return load_size_word(p) & ~SIZE_BITS;
}

/* The size word as stored, flags included. */
static inline size_t chunk_size_nomask(const struct malloc_chunk *p)
{
	return load_size_word(p);
}

/* Whether the chunk just before @p is in use. */
static inline bool prev_inuse(const struct malloc_chunk *p)
{
	return load_size_word(p) & PREV_INUSE;
}

/* Whether @p was mmapped on its own. */
static inline bool chunk_is_mmapped(const struct malloc_chunk *p)
{
	return load_size_word(p) & IS_MMAPPED;
}

/* Whether @p belongs to a non-main arena. */
static inline bool chunk_non_main_arena(const struct malloc_chunk *p)
{
	return load_size_word(p) & NON_MAIN_ARENA;
}

/* The chunk @offset bytes from @p (negative offsets go backwards). */
static inline struct malloc_chunk *chunk_at_offset(const struct malloc_chunk *p,
						   ptrdiff_t offset)
{
	return (struct malloc_chunk *)((char *)p + offset);
}

/* The chunk physically after @p. */
static inline struct malloc_chunk *next_chunk(const struct malloc_chunk *p)
{
	return chunk_at_offset(p, chunk_size(p));
}

/* The chunk physically before @p; valid only when it is free. */
static inline struct malloc_chunk *prev_chunk(const struct malloc_chunk *p)
{
	return chunk_at_offset(p, -(ptrdiff_t)p->prev_size);
}

/* Whether the chunk @offset bytes after @p says its predecessor is used. */
static inline bool inuse_bit_at_offset(const struct malloc_chunk *p,
				       size_t offset)
{
	return load_size_word(chunk_at_offset(p, offset)) & PREV_INUSE;
}

/* Mark the chunk before the one @offset bytes after @p as in use. */
static inline void set_inuse_bit_at_offset(struct malloc_chunk *p,
					   size_t offset)
{
	struct malloc_chunk *next = chunk_at_offset(p, offset);

	store_size_word(next, load_size_word(next) | PREV_INUSE);
}

/* Mark the chunk before the one @offset bytes after @p as free. */
static inline void clear_inuse_bit_at_offset(struct malloc_chunk *p,
					     size_t offset)
{
	struct malloc_chunk *next = chunk_at_offset(p, offset);

	store_size_word(next, load_size_word(next) & ~PREV_INUSE);
}

/* Whether @p itself is in use (told by the next chunk's PREV_INUSE). */
static inline bool inuse(const struct malloc_chunk *p)
{
	return inuse_bit_at_offset(p, chunk_size(p));
}

/* Set the whole size word, flags included. */
static inline void set_head(struct malloc_chunk *p, size_t head)
{
	store_size_word(p, head);
}

/* Set the size, keeping the PREV_INUSE bit. */
static inline void set_head_size(struct malloc_chunk *p, size_t size)
{
	store_size_word(p, (load_size_word(p) & PREV_INUSE) | size);
}

/* Write the foot of a free chunk: its size in the next prev_size. */
static inline void set_foot(struct malloc_chunk *p, size_t size)
{
	chunk_at_offset(p, size)->prev_size = size;
}

/* Whether a size or address is a multiple of the alignment. */
static inline bool aligned_ok(uintptr_t v)
{
	return (v & MALLOC_ALIGN_MASK) == 0;
}

/* Whether @p's user pointer is misaligned. */
static inline bool misaligned_chunk(const struct malloc_chunk *p)
{
	return !aligned_ok((uintptr_t)chunk2mem(p));
}

/*
 * The chunk size serving a request of @req bytes: the request plus one
 * size word (the next chunk's prev_size is usable), rounded up to the
 * alignment, at least MINSIZE.  request2size(24) == 32 on x86_64.
 */
static inline size_t request2size(size_t req)
{
	if (req + SIZE_SZ + MALLOC_ALIGN_MASK < MINSIZE)
		return MINSIZE;
	return (req + SIZE_SZ + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK;
}

/*
 * request2size() for untrusted requests: false when @req exceeds
 * PTRDIFF_MAX (glibc 2.30 and later), which no allocation can satisfy.
 */
static inline bool checked_request2size(size_t req, size_t *nb)
{
	if (req > PTRDIFF_MAX)
		return false;
	*nb = request2size(req);
	return true;
}

#endif /* PTM_CHUNK_H */
