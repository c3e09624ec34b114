// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Giving memory back to the system.
 *
 * systrim() lowers the program break under a main-arena top that has
 * grown beyond what it needs, keeping @pad bytes (top_pad) plus MINSIZE,
 * in whole pages.  free() calls it when top reaches the trim threshold;
 * malloc_trim() calls it through mtrim(), which first consolidates the
 * fast bins and tells the kernel (madvise MADV_DONTNEED) that the whole
 * pages inside large free chunks are unused, keeping each chunk's header
 * and list links.
 */
#include <errno.h>
#include <stdint.h>

#include "fastbins.h"
#include "internal.h"
#include "os.h"

/*
 * systrim()'s move of the break down by @extra bytes of @av's top (of
 * @top_size bytes), unless someone else moved the break.  The break's
 * system calls may set errno, which free() must keep (glibc 2.33).
 */
static pt_noinline int systrim_break(struct malloc_state *av, long top_size,
				     long extra)
{
	int saved_errno = errno;
	char *current_brk = os_morecore(0);
	char *new_brk;
	long released = 0;

	if (current_brk == (char *)av->top + top_size) {
		os_morecore(-extra);
		after_morecore();
		new_brk = os_morecore(0);
		if (new_brk != MORECORE_FAILURE)
			released = current_brk - new_brk;
	}
	errno = saved_errno;
	if (released == 0)
		return 0;
	arena_add_system_mem(av, -released);
	set_head(av->top, (size_t)(top_size - released) | PREV_INUSE);
	return 1;
}

/*
 * Lower the break under the main arena's top of @av by the whole pages
 * beyond @pad + MINSIZE, unless someone else moved the break since.
 * Returns 1 if the break moved.
 *
 * The arithmetic is glibc 2.36's, signed and unsigned mixed as there: a
 * top of exactly MINSIZE bytes gives a top_area of -1, which passes the
 * unsigned comparison with @pad, and the negative "extra" then moves the
 * break up by round_up(pad + 1, page) (a quirk of glibc 2.26 and later
 * that 2.17 did not have; it is kept so that malloc_trim() moves the
 * break exactly as the host's glibc does).
 */
int systrim(size_t pad, struct malloc_state *av)
{
	long top_size = (long)chunk_size(av->top);
	long top_area = top_size - (long)MINSIZE - 1;
	long extra;

	if ((size_t)top_area <= pad)
		return 0;
	extra = (long)page_round_down((size_t)top_area - pad);
	if (extra == 0)
		return 0;
	return systrim_break(av, top_size, extra);
}

/*
 * Release the whole pages inside the free chunk @p, past its header and
 * links (sizeof(struct malloc_chunk)).  Returns 1 if there were any.
 */
static int madvise_free_chunk(struct malloc_chunk *p)
{
	uintptr_t start;
	size_t len = free_chunk_pages(p, chunk_size(p), os_page_size(), &start);

	if (len == 0)
		return 0;
	os_madvise((void *)start, len, MADV_DONTNEED);
	return 1;
}

/*
 * malloc_trim() for one arena: consolidate, release the unused pages of
 * free chunks in the unsorted bin and in every bin whose chunks may span
 * a page, then (main arena) trim top down to @pad.  Returns 1 if any
 * memory went back.
 */
int mtrim(struct malloc_state *av, size_t pad)
{
	unsigned int psindex = bin_index(os_page_size());
	int result = 0;

	malloc_consolidate(av);
	for (unsigned int i = 1; i < NBINS; i++) {
		struct malloc_chunk *bin = bin_at(av, i);

		if (i != 1 && i < psindex)
			continue;
		for (struct malloc_chunk *p = bin_last(bin); p != bin;
		     p = p->bk)
			result |= madvise_free_chunk(p);
	}
	if (av == &main_arena)
		result |= systrim(pad, av);
	return result;
}
