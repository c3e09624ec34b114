// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The doubly linked bins: initialising an arena's bins, taking a chunk
 * out of its bin (with glibc's list integrity checks), and putting a
 * chunk into the unsorted bin or into its own small or large bin.
 *
 * Large bins are kept sorted by decreasing size.  The first chunk of
 * each distinct size is also on a second circular list through
 * fd_nextsize/bk_nextsize, so that a search skips runs of equal sizes;
 * chunks of a size already present are inserted second, after that
 * first chunk, so the skip list never needs rerouting on insertion.
 */
#include "fastbins.h"
#include "internal.h"

/*
 * Make every bin of @av an empty circular list and point top at the
 * size-0 initial top.  The main arena keeps a contiguous heap and sets
 * the fast-bin limit; other arenas are non-contiguous from the start.
 */
void malloc_init_state(struct malloc_state *av)
{
	for (unsigned int i = 1; i < NBINS; i++) {
		struct malloc_chunk *bin = bin_at(av, i);

		bin->fd = bin;
		bin->bk = bin;
	}
	if (av != &main_arena)
		set_noncontiguous(av);
	if (av == &main_arena)
		set_max_fast(DEFAULT_MXFAST);
	fastchunks_set(av, false);
	av->top = initial_top(av);
}

/*
 * Unlink the large chunk @p (whose successor on its bin is @fd) from the
 * nextsize skip list, on which it is; a broken skip list is reported
 * and left as it is.
 */
void unlink_nextsize(struct malloc_chunk *p, struct malloc_chunk *fd)
{
	if (p->fd_nextsize->bk_nextsize != p ||
	    p->bk_nextsize->fd_nextsize != p) {
		malloc_corruption("corrupted double-linked list (not small)",
				  p);
		return;
	}
	if (fd->fd_nextsize == NULL) {
		/* p led its size run: its successor takes over. */
		if (p->fd_nextsize == p) {
			fd->fd_nextsize = fd;
			fd->bk_nextsize = fd;
		} else {
			fd->fd_nextsize = p->fd_nextsize;
			fd->bk_nextsize = p->bk_nextsize;
			p->fd_nextsize->bk_nextsize = fd;
			p->bk_nextsize->fd_nextsize = fd;
		}
	} else {
		p->fd_nextsize->bk_nextsize = p->bk_nextsize;
		p->bk_nextsize->fd_nextsize = p->fd_nextsize;
	}
}

/*
 * unlink_chunk() on a broken chunk @p: report which of glibc's checks
 * fails.  @p stays where it is.
 */
void unlink_corrupt(struct malloc_chunk *p)
{
	if (chunk_size(p) != next_chunk(p)->prev_size)
		malloc_corruption("corrupted size vs. prev_size", p);
	else
		malloc_corruption("corrupted double-linked list", p);
}

/*
 * Find the neighbours of @victim in the sorted large bin @bin: set
 * *bck and *fwd to the chunks it goes between and maintain the skip list.
 */
static void large_bin_position(struct malloc_chunk *bin,
			       struct malloc_chunk *victim,
			       struct malloc_chunk **bck,
			       struct malloc_chunk **fwd)
{
	size_t size = chunk_size_nomask(victim) | PREV_INUSE;
	struct malloc_chunk *f = bin->fd;

	if (f == bin) {
		victim->fd_nextsize = victim;
		victim->bk_nextsize = victim;
		*bck = bin;
		*fwd = f;
		return;
	}
	/*
	 * Chunks in bins never carry the arena bit (free() rewrites their
	 * heads without it): glibc asserts so before each size comparison.
	 */
	malloc_assert(!chunk_non_main_arena(bin->bk));
	if (size < chunk_size_nomask(bin->bk)) {
		/* Smaller than everything: append at the end. */
		*fwd = bin;
		*bck = bin->bk;
		victim->fd_nextsize = f;
		victim->bk_nextsize = f->bk_nextsize;
		f->bk_nextsize = victim;
		victim->bk_nextsize->fd_nextsize = victim;
		return;
	}
	malloc_assert(!chunk_non_main_arena(f));
	while (size < chunk_size_nomask(f)) {
		f = f->fd_nextsize;
		malloc_assert(!chunk_non_main_arena(f));
	}
	if (size == chunk_size_nomask(f)) {
		/* Same size as a run: go second, the skip list is unchanged. */
		f = f->fd;
	} else {
		victim->fd_nextsize = f;
		victim->bk_nextsize = f->bk_nextsize;
		if (unlikely(f->bk_nextsize->fd_nextsize != f))
			malloc_corruption("malloc(): largebin double linked "
					  "list corrupted (nextsize)",
					  f);
		f->bk_nextsize = victim;
		victim->bk_nextsize->fd_nextsize = victim;
	}
	*fwd = f;
	*bck = f->bk;
	if (unlikely((*bck)->fd != f))
		malloc_corruption("malloc(): largebin double linked list "
				  "corrupted (bk)",
				  f);
}

/*
 * Put the free chunk @victim, just taken off the unsorted bin, into its
 * small bin (at the front) or its large bin (in size order), and mark
 * the bin in the binmap.
 */
void bin_place(struct malloc_state *av, struct malloc_chunk *victim)
{
	size_t size = chunk_size(victim);
	unsigned int idx;
	struct malloc_chunk *bck;
	struct malloc_chunk *fwd;

	if (in_smallbin_range(size)) {
		idx = smallbin_index(size);
		bck = bin_at(av, idx);
		fwd = bck->fd;
	} else {
		idx = largebin_index(size);
		large_bin_position(bin_at(av, idx), victim, &bck, &fwd);
	}
	mark_bin(av, idx);
	victim->bk = bck;
	victim->fd = fwd;
	fwd->bk = victim;
	bck->fd = victim;
}
