// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Aligned allocation: memalign(), aligned_alloc(), posix_memalign(),
 * valloc() and pvalloc(), all served by int_memalign().
 *
 * int_memalign() over-allocates nb + alignment + MINSIZE bytes, finds
 * the first aligned position at least MINSIZE into the chunk, frees the
 * leading piece and the trailing excess back to the arena.  The argument
 * rules are glibc 2.36's: alignments up to MALLOC_ALIGNMENT are plain
 * malloc, others are raised to MINSIZE and to a power of two, and
 * alignments above SIZE_MAX / 2 + 1 fail with EINVAL.
 */
#include <errno.h>
#include <stdint.h>

#include "../arena/arena.h"
#include "internal.h"
#include "os.h"
#include "ptmalloc.h"

/* Give the part of the chunk @p before @newp back to the arena. */
static struct malloc_chunk *memalign_cut_front(struct malloc_state *av,
					       struct malloc_chunk *p,
					       struct malloc_chunk *newp)
{
	size_t leadsize = (size_t)((char *)newp - (char *)p);
	size_t newsize = chunk_size(p) - leadsize;

	if (chunk_is_mmapped(p)) {
		/* Keep the skipped bytes in prev_size, as mmap_chunk does. */
		newp->prev_size = p->prev_size + leadsize;
		set_head(newp, newsize | IS_MMAPPED);
		return newp;
	}
	set_head(newp, newsize | PREV_INUSE | arena_bit(av));
	set_inuse_bit_at_offset(newp, newsize);
	set_head_size(p, leadsize | arena_bit(av));
	int_free(av, p, true);
	return newp;
}

/* Give the part of the heap chunk @p beyond @nb bytes back to the arena. */
static void memalign_cut_back(struct malloc_state *av, struct malloc_chunk *p,
			      size_t nb)
{
	size_t size = chunk_size(p);
	struct malloc_chunk *remainder;

	if (chunk_is_mmapped(p) || size <= nb + MINSIZE)
		return;
	remainder = chunk_at_offset(p, nb);
	set_head(remainder, (size - nb) | PREV_INUSE | arena_bit(av));
	set_head_size(p, nb | arena_bit(av));
	int_free(av, remainder, true);
}

/*
 * Allocate @bytes at a multiple of @alignment (a power of two above
 * MALLOC_ALIGNMENT) from @av, lock held.  NULL with errno ENOMEM on
 * failure.
 */
void *int_memalign(struct malloc_state *av, size_t alignment, size_t bytes)
{
	struct malloc_chunk *p;
	char *m;
	size_t nb;

	if (!checked_request2size(bytes, &nb) ||
	    nb > SIZE_MAX - alignment - MINSIZE) {
		errno = ENOMEM;
		return NULL;
	}
	m = int_malloc(av, nb + alignment + MINSIZE);
	if (m == NULL)
		return NULL;
	p = mem2chunk(m);
	if ((uintptr_t)m % alignment != 0) {
		uintptr_t aligned = ((uintptr_t)m + alignment - 1) &
				    -(uintptr_t)alignment;
		char *brk = (char *)mem2chunk((void *)aligned);

		if ((size_t)(brk - (char *)p) < MINSIZE)
			brk += alignment;
		p = memalign_cut_front(av, p, (struct malloc_chunk *)brk);
		/* glibc's check that the rest still holds the request. */
		malloc_assert(chunk_is_mmapped(p) ||
			      (chunk_size(p) >= nb &&
			       (uintptr_t)chunk2mem(p) % alignment == 0));
	}
	memalign_cut_back(av, p, nb);
	return chunk2mem(p);
}

/*
 * The argument rules shared by every aligned entry point, then the
 * allocation (or the memalign hook, told the entry point's @caller).
 * Sets errno and returns NULL on failure.
 */
static void *mid_memalign(size_t alignment, size_t bytes, const void *caller)
{
	void *(*hook)(size_t, size_t, const void *);
	struct malloc_state *av;
	void *mem;

	/* First: the initialisation may install hooks (MALLOC_CHECK_). */
	if (unlikely(!malloc_initialized()))
		ptmalloc_init();
	hook = HOOK_LOAD(ptm_memalign_hook);
	if (unlikely(hook != NULL))
		return hook(alignment, bytes, caller);
	if (alignment <= MALLOC_ALIGNMENT)
		return ptm_malloc(bytes);
	if (alignment < MINSIZE)
		alignment = MINSIZE;
	if (alignment > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	if ((alignment & (alignment - 1)) != 0) {
		size_t a = MALLOC_ALIGNMENT * 2;

		while (a < alignment)
			a <<= 1;
		alignment = a;
	}
	track_enter();
	av = arena_get(bytes + alignment + MINSIZE);
	if (av == NULL) {
		errno = ENOMEM;
		return track_alloc(NULL, bytes, false);
	}
	mem = int_memalign(av, alignment, bytes);
	if (mem == NULL && arena_multi_threaded()) {
		av = arena_get_retry(av, bytes);
		if (av != NULL)
			mem = int_memalign(av, alignment, bytes);
	}
	if (av != NULL)
		arena_unlock(av);
	debug_check_after_op();
	return track_alloc(mem, bytes, false);
}

/* memalign(): @bytes aligned to @alignment (rounded to a power of two). */
void *ptm_memalign(size_t alignment, size_t bytes)
{
	return mid_memalign(alignment, bytes, __builtin_return_address(0));
}

/* aligned_alloc(): the same as memalign(), as in glibc 2.36. */
void *ptm_aligned_alloc(size_t alignment, size_t bytes)
{
	return mid_memalign(alignment, bytes, __builtin_return_address(0));
}

/*
 * posix_memalign(): EINVAL unless @alignment is a power-of-two multiple
 * of sizeof(void *), ENOMEM when no memory; *@memptr is set on success
 * only.
 */
int ptm_posix_memalign(void **memptr, size_t alignment, size_t bytes)
{
	void *mem;

	if (alignment % sizeof(void *) != 0 || alignment == 0 ||
	    ((alignment / sizeof(void *)) & (alignment / sizeof(void *) - 1)) !=
		    0)
		return EINVAL;
	mem = mid_memalign(alignment, bytes, __builtin_return_address(0));
	if (mem == NULL)
		return ENOMEM;
	*memptr = mem;
	return 0;
}

/* valloc(): @bytes aligned to a page. */
void *ptm_valloc(size_t bytes)
{
	return mid_memalign(os_page_size(), bytes, __builtin_return_address(0));
}

/* pvalloc(): @bytes rounded up to whole pages, page aligned. */
void *ptm_pvalloc(size_t bytes)
{
	size_t pagesize = os_page_size();
	size_t rounded;

	if (__builtin_add_overflow(bytes, pagesize - 1, &rounded)) {
		errno = ENOMEM;
		return NULL;
	}
	return mid_memalign(pagesize, page_round_down(rounded),
			    __builtin_return_address(0));
}
