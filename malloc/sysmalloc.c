// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sysmalloc(): get memory from the system when no free chunk and not
 * top can serve a request of nb bytes.
 *
 *   1. A request of at least the mmap threshold, while fewer than
 *      mmap_max chunks are mapped, gets a mapping of its own.
 *   2. Otherwise the main arena moves the program break by
 *      page_round_up(nb + top_pad + MINSIZE - top size) (top's size
 *      is not subtracted once the heap is non-contiguous).
 *   3. When the break cannot move, a mapping of at least
 *      MMAP_AS_MORECORE_SIZE stands in for it and the arena is
 *      non-contiguous from then on.
 *   4. New space that does not continue the old top (the first growth,
 *      a foreign sbrk in between, or mapped space) becomes the new top
 *      after alignment fixes; the old top is closed with two fenceposts
 *      and freed.
 *   5. The request is split off the new top.
 *
 * A non-main arena instead makes more of its sub-heap usable, or chains
 * a new sub-heap when the current one is full (closing the old top with
 * fenceposts that heap_trim() recognises when it deletes the new
 * sub-heap again), or, when no sub-heap can be had, maps the chunk.
 */
#include <errno.h>
#include <stdint.h>

#include "../arena/arena.h"
#include "internal.h"
#include "os.h"

/*
 * Step 3: map memory to stand in for the break that could not grow by
 * @size.  Returns the mapping (its length in *size) or MORECORE_FAILURE.
 * glibc 2.36's sysmalloc_mmap_fallback is called with the page size as
 * the minimum and MMAP_AS_MORECORE_SIZE as the rounding unit, so the
 * stand-in for a contiguous arena is a whole number of MiB (old top
 * included) and otherwise at least a page; glibc 2.17 rounded to a page
 * with a 1 MiB minimum.  Seen under qemu-user, whose break stops early.
 */
static char *morecore_mmap_fallback(struct malloc_state *av, size_t nb,
				    size_t size, size_t old_size,
				    size_t *mapped)
{
	const size_t unit = MMAP_AS_MORECORE_SIZE;
	char *mbrk;

	if (contiguous(av))
		size = (size + old_size + unit - 1) & ~(unit - 1);
	if (size < os_page_size())
		size = os_page_size();
	if (size <= nb)
		return MORECORE_FAILURE;
	mbrk = os_mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS);
	if (mbrk == MAP_FAILED)
		return MORECORE_FAILURE;
	set_noncontiguous(av);
	*mapped = size;
	return mbrk;
}

/*
 * Close the old top of @old_size bytes at @old_top when new space does
 * not continue it: shrink it, write two in-use fenceposts after it so
 * nothing ever merges across the gap, and free what is left of it.
 */
static void fence_old_top(struct malloc_state *av, struct malloc_chunk *old_top,
			  size_t old_size)
{
	old_size = (old_size - 2 * CHUNK_HDR_SZ) & ~MALLOC_ALIGN_MASK;
	set_head(old_top, old_size | PREV_INUSE);
	set_head(chunk_at_offset(old_top, old_size), CHUNK_HDR_SZ | PREV_INUSE);
	set_head(chunk_at_offset(old_top, old_size + CHUNK_HDR_SZ),
		 CHUNK_HDR_SZ | PREV_INUSE);
	if (old_size >= MINSIZE)
		int_free(av, old_top, true);
}

/*
 * Step 4, contiguous case: align the start of the new space at @brk and
 * ask the break for a correction that also covers the old top (which
 * cannot be merged across a foreign gap) and rounds the end to a page.
 * Sets *aligned and returns the end of the space (the second break).
 */
static char *adopt_contiguous(struct malloc_state *av, char *brk, size_t size,
			      size_t old_size, char **aligned,
			      ptrdiff_t *correction)
{
	uintptr_t front = (uintptr_t)chunk2mem((struct malloc_chunk *)brk) &
			  MALLOC_ALIGN_MASK;
	uintptr_t end;
	char *snd_brk;

	*correction = 0;
	*aligned = brk;
	if (front > 0) {
		*correction = MALLOC_ALIGNMENT - front;
		*aligned += *correction;
	}
	*correction += old_size;
	end = (uintptr_t)(brk + size + *correction);
	*correction += page_round_up(end) - end;
	snd_brk = os_morecore(*correction);
	if (snd_brk == MORECORE_FAILURE) {
		*correction = 0;
		snd_brk = os_morecore(0);
	} else {
		after_morecore();
	}
	(void)av;
	return snd_brk;
}

/*
 * Step 4: make the new space at @brk (@size bytes, @snd_brk its end if
 * known) the arena's top when it does not simply extend the old top.
 */
static void adopt_new_space(struct malloc_state *av, char *brk, size_t size,
			    char *snd_brk, struct malloc_chunk *old_top,
			    size_t old_size)
{
	char *aligned = brk;
	ptrdiff_t correction = 0;

	if (contiguous(av)) {
		/* Count a foreign sbrk's gap as the arena's memory. */
		if (old_size)
			arena_add_system_mem(
				av, brk - ((char *)old_top + old_size));
		snd_brk = adopt_contiguous(av, brk, size, old_size, &aligned,
					   &correction);
	} else if (snd_brk == MORECORE_FAILURE) {
		snd_brk = os_morecore(0);
	}
	if (snd_brk == MORECORE_FAILURE)
		return;
	av->top = (struct malloc_chunk *)aligned;
	set_head(av->top,
		 (size_t)(snd_brk - aligned + correction) | PREV_INUSE);
	arena_add_system_mem(av, (ptrdiff_t)correction);
	if (old_size != 0)
		fence_old_top(av, old_top, old_size);
}

/*
 * Steps 2 to 4 for the main arena: move the break (or map a stand-in)
 * so that top can serve @nb bytes.
 */
static void grow_main_arena(struct malloc_state *av, size_t nb)
{
	struct malloc_chunk *old_top = av->top;
	size_t old_size = chunk_size(old_top);
	char *old_end = (char *)chunk_at_offset(old_top, old_size);
	char *brk = MORECORE_FAILURE;
	char *snd_brk = MORECORE_FAILURE;
	size_t size = nb + mp_.top_pad + MINSIZE;

	if (contiguous(av))
		size -= old_size;
	size = page_round_up(size);
	if ((ptrdiff_t)size > 0)
		brk = os_morecore((ptrdiff_t)size);
	if (brk != MORECORE_FAILURE) {
		after_morecore();
	} else {
		brk = morecore_mmap_fallback(av, nb, size, old_size, &size);
		if (brk != MORECORE_FAILURE)
			snd_brk = brk + size;
	}
	if (brk == MORECORE_FAILURE)
		return;
	if (mp_.sbrk_base == NULL)
		mp_.sbrk_base = brk;
	arena_add_system_mem(av, (ptrdiff_t)size);
	if (brk == old_end && snd_brk == MORECORE_FAILURE)
		set_head(old_top, (size + old_size) | PREV_INUSE);
	else if (contiguous(av) && old_size && brk < old_end)
		malloc_printerr(3, "break adjusted to free malloc space", brk);
	else
		adopt_new_space(av, brk, size, snd_brk, old_top, old_size);
}

/*
 * Close the top of a full sub-heap when the arena moves on to a new
 * one: a 0|PREV_INUSE fencepost at the end, a CHUNK_HDR_SZ fencepost
 * before it, and the rest of the old top freed.
 */
static void fence_sub_heap_top(struct malloc_state *av,
			       struct malloc_chunk *old_top, size_t old_size)
{
	old_size = (old_size - MINSIZE) & ~MALLOC_ALIGN_MASK;
	set_head(chunk_at_offset(old_top, (long)(old_size + CHUNK_HDR_SZ)),
		 0 | PREV_INUSE);
	if (old_size >= MINSIZE) {
		struct malloc_chunk *fence =
			chunk_at_offset(old_top, (long)old_size);

		set_head(fence, CHUNK_HDR_SZ | PREV_INUSE);
		set_foot(fence, CHUNK_HDR_SZ);
		set_head(old_top, old_size | PREV_INUSE | NON_MAIN_ARENA);
		int_free(av, old_top, true);
	} else {
		set_head(old_top, (old_size + CHUNK_HDR_SZ) | PREV_INUSE);
		set_foot(old_top, old_size + CHUNK_HDR_SZ);
	}
}

/*
 * Grow the non-main arena @av so that top can serve @nb bytes: extend
 * the current sub-heap, else chain a new one.  When neither works and
 * no mapping was tried yet (@tried_mmap), map the chunk on its own and
 * return it; otherwise return NULL (top may or may not have grown).
 */
static void *grow_sub_heap(struct malloc_state *av, size_t nb, bool tried_mmap)
{
	struct malloc_chunk *old_top = av->top;
	size_t old_size = chunk_size(old_top);
	struct heap_info *old_heap = heap_for_ptr(old_top);
	size_t old_heap_size = old_heap->size;
	struct heap_info *heap;

	if ((long)(MINSIZE + nb - old_size) > 0 &&
	    grow_heap(old_heap, (long)(MINSIZE + nb - old_size)) == 0) {
		arena_add_system_mem(
			av, (ptrdiff_t)(old_heap->size - old_heap_size));
		set_head(old_top, (size_t)((char *)old_heap + old_heap->size -
					   (char *)old_top) |
					  PREV_INUSE);
		return NULL;
	}
	heap = new_heap(nb + MINSIZE + sizeof(*heap), mp_.top_pad);
	if (heap == NULL)
		return tried_mmap ? NULL : mmap_chunk(nb);
	heap->ar_ptr = av;
	heap->prev = old_heap;
	arena_add_system_mem(av, (ptrdiff_t)heap->size);
	av->top = heap_first_chunk(heap);
	set_head(av->top, (heap->size - sizeof(*heap)) | PREV_INUSE);
	fence_sub_heap_top(av, old_top, old_size);
	return NULL;
}

/*
 * Serve @nb bytes from the system for arena @av (lock held; NULL when
 * no arena could be had, which leaves only a mapping): a mapping of its
 * own, or top after growing the heap.  Returns the user pointer, or NULL
 * with errno ENOMEM.
 */
void *sysmalloc(size_t nb, struct malloc_state *av)
{
	bool tried_mmap = false;
	struct malloc_chunk *p;
	size_t size;
	void *mem;
	size_t old_size;

	if (av == NULL ||
	    (nb >= __atomic_load_n(&mp_.mmap_threshold, __ATOMIC_RELAXED) &&
	     __atomic_load_n(&mp_.n_mmaps, __ATOMIC_RELAXED) <
		     mp_.n_mmaps_max)) {
		mem = mmap_chunk(nb);
		if (mem != NULL)
			return mem;
		if (av == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		tried_mmap = true;
	}
	/* glibc's check that top is the initial one or a sane chunk. */
	old_size = chunk_size(av->top);
	malloc_assert((av->top == initial_top(av) && old_size == 0) ||
		      (old_size >= MINSIZE && prev_inuse(av->top) &&
		       ((uintptr_t)av->top + old_size) % os_page_size() == 0));
	if (av != &main_arena) {
		mem = grow_sub_heap(av, nb, tried_mmap);
		if (mem != NULL)
			return mem;
	} else {
		grow_main_arena(av, nb);
	}
	if (av->system_mem > av->max_system_mem)
		av->max_system_mem = av->system_mem;

	p = av->top;
	size = chunk_size(p);
	if (size < nb + MINSIZE) {
		errno = ENOMEM;
		return NULL;
	}
	av->top = chunk_at_offset(p, nb);
	set_head(av->top, (size - nb) | PREV_INUSE);
	set_head(p, nb | PREV_INUSE | arena_bit(av));
	return chunk2mem(p);
}
