// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * realloc() and reallocarray().
 *
 * A heap chunk is resized in place whenever it can be:
 *   1. shrinking (or already big enough): split off the tail, if at
 *      least MINSIZE, and free it;
 *   2. growing into top when top keeps MINSIZE afterwards;
 *   3. growing into a free successor when the two together suffice;
 *   4. otherwise allocate anew in the same arena, copy, free the old
 *      chunk (merging instead when the new chunk is the successor).
 * A mapped chunk is resized with mremap and stays mapped.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../arena/arena.h"
#include "internal.h"
#include "tcache.h"
#include "ptmalloc.h"

/* Step 1: trim @p, now @newsize bytes, to @nb and free the tail. */
static void *realloc_split(struct malloc_state *av, struct malloc_chunk *p,
			   size_t newsize, size_t nb)
{
	size_t remainder_size = newsize - nb;

	if (remainder_size < MINSIZE) {
		set_head_size(p, newsize | arena_bit(av));
		set_inuse_bit_at_offset(p, newsize);
	} else {
		struct malloc_chunk *remainder = chunk_at_offset(p, nb);

		set_head_size(p, nb | arena_bit(av));
		set_head(remainder,
			 remainder_size | PREV_INUSE | arena_bit(av));
		/* Mark the tail in use so that int_free accepts it. */
		set_inuse_bit_at_offset(remainder, remainder_size);
		int_free(av, remainder, true);
	}
	return chunk2mem(p);
}

/* Step 4: move to a new chunk of the same arena. */
static void *realloc_move(struct malloc_state *av, struct malloc_chunk *oldp,
			  size_t oldsize, size_t nb)
{
	struct malloc_chunk *next = chunk_at_offset(oldp, oldsize);
	void *newmem = int_malloc(av, nb - MALLOC_ALIGN_MASK);
	struct malloc_chunk *newp;

	if (newmem == NULL)
		return NULL;
	newp = mem2chunk(newmem);
	if (newp == next) {
		/* The successor was free after all: merge and split. */
		return realloc_split(av, oldp, oldsize + chunk_size(newp), nb);
	}
	memcpy(newmem, chunk2mem(oldp), oldsize - SIZE_SZ);
	int_free(av, oldp, true);
	return newmem;
}

/*
 * Resize the heap chunk @oldp of @oldsize bytes in arena @av (lock held)
 * to a chunk of @nb bytes.  Returns the user pointer, or NULL when no
 * memory could be had (the old chunk is then untouched).
 */
void *int_realloc(struct malloc_state *av, struct malloc_chunk *oldp,
		  size_t oldsize, size_t nb)
{
	struct malloc_chunk *next;
	size_t nextsize;

	/* Before anything is read through the old size. */
	if (unlikely(chunk_size_nomask(oldp) <= CHUNK_HDR_SZ ||
		     oldsize >= av->system_mem)) {
		malloc_corruption("realloc(): invalid old size",
				  chunk2mem(oldp));
		return NULL;
	}
	next = chunk_at_offset(oldp, oldsize);
	nextsize = chunk_size(next);
	if (unlikely(chunk_size_nomask(next) <= CHUNK_HDR_SZ ||
		     nextsize >= av->system_mem)) {
		malloc_corruption("realloc(): invalid next size",
				  chunk2mem(oldp));
		return NULL;
	}
	if (oldsize >= nb)
		return realloc_split(av, oldp, oldsize, nb);
	if (next == av->top && oldsize + nextsize >= nb + MINSIZE) {
		set_head_size(oldp, nb | arena_bit(av));
		av->top = chunk_at_offset(oldp, nb);
		set_head(av->top, (oldsize + nextsize - nb) | PREV_INUSE);
		return chunk2mem(oldp);
	}
	if (next != av->top && !inuse(next) && oldsize + nextsize >= nb) {
		unlink_chunk(av, next);
		return realloc_split(av, oldp, oldsize + nextsize, nb);
	}
	return realloc_move(av, oldp, oldsize, nb);
}

/* realloc() of a mapped chunk: mremap, else keep, else copy. */
static void *realloc_mmapped(struct malloc_chunk *oldp, size_t bytes, size_t nb)
{
	size_t oldsize = chunk_size(oldp);
	struct malloc_chunk *newp = mremap_chunk(oldp, nb);
	void *newmem;

	if (newp != NULL)
		return chunk2mem(newp);
	if (oldsize - SIZE_SZ >= nb)
		return chunk2mem(oldp);
	newmem = ptm_malloc(bytes);
	if (newmem == NULL)
		return NULL;
	memcpy(newmem, chunk2mem(oldp), oldsize - CHUNK_HDR_SZ);
	munmap_chunk(oldp);
	return newmem;
}

/*
 * Resize the block @oldmem to @bytes.  realloc(NULL, n) is malloc(n);
 * realloc(p, 0) frees p and returns NULL.  On failure the old block is
 * left as it was.
 */
void *ptm_realloc(void *oldmem, size_t bytes)
{
	void *(*hook)(void *, size_t, const void *);
	struct malloc_chunk *oldp;
	struct malloc_state *av;
	size_t oldsize;
	size_t nb;
	void *newp;
	struct track_old told;

	/* A first call: the checks read the main arena (and MALLOC_CHECK_). */
	if (unlikely(!malloc_initialized()))
		ptmalloc_init();
	hook = HOOK_LOAD(ptm_realloc_hook);
	if (unlikely(hook != NULL))
		return hook(oldmem, bytes, __builtin_return_address(0));
	if (bytes == 0 && oldmem != NULL) {
		free_unhooked(oldmem);
		return NULL;
	}
	if (oldmem == NULL)
		return ptm_malloc(bytes);
	track_realloc_enter(&told, oldmem);
	oldp = mem2chunk(oldmem);
	if (unlikely(dumped_chunk(oldp)))
		return track_realloc(&told, oldmem, realloc_dumped(oldp, bytes),
				     bytes);
	oldsize = chunk_size(oldp);
	if (!chunk_is_mmapped(oldp))
		tcache_init_once();
	if (unlikely((uintptr_t)oldp > (uintptr_t)-oldsize ||
		     misaligned_chunk(oldp))) {
		malloc_corruption("realloc(): invalid pointer", oldmem);
		return track_realloc(&told, oldmem, NULL, bytes);
	}
	if (!checked_request2size(bytes, &nb)) {
		errno = ENOMEM;
		return track_realloc(&told, oldmem, NULL, bytes);
	}
	if (chunk_is_mmapped(oldp))
		return track_realloc(&told, oldmem,
				     realloc_mmapped(oldp, bytes, nb), bytes);

	av = arena_for_chunk(oldp);
	arena_lock(av);
	newp = int_realloc(av, oldp, oldsize, nb);
	arena_unlock(av);
	if (newp == NULL && arena_multi_threaded()) {
		/* Try any other arena before giving up. */
		newp = ptm_malloc(bytes);
		if (newp != NULL) {
			memcpy(newp, oldmem, oldsize - SIZE_SZ);
			int_free(av, oldp, false);
		}
	}
	debug_check_after_op();
	return track_realloc(&told, oldmem, newp, bytes);
}

/* realloc() of @nmemb elements of @size bytes, failing on overflow. */
void *ptm_reallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(nmemb, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return ptm_realloc(ptr, bytes);
}
