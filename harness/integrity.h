/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers of the integrity death tests (test_integrity.c for free,
 * realloc, mapped chunks, statistics and sysmalloc; test_integrity_malloc.c
 * for the malloc paths): chunk words, heap set-ups shared by several
 * tests, and check(), which runs a child and expects one report.
 *
 * Layouts are those of x86_64 (SIZE_SZ 8, chunk = user pointer - 16):
 * malloc(24) is a 32-byte chunk, malloc(100) 112, malloc(200) 208,
 * malloc(1000) 1008, malloc(2000) 2016, malloc(2016) 2032; chunks of at
 * most 128 bytes go to the fast bins; 2016 and 2032 share large bin 79.
 * Every child runs on a fresh simulated break, so consecutive requests
 * are consecutive chunks and the last one borders top.
 */
#ifndef PTM_INTEGRITY_H
#define PTM_INTEGRITY_H

#include "death.h"

/*
 * Word @i of the chunk of user pointer @p: -2 prev_size, -1 size, 0 fd,
 * 1 bk, 2 fd_nextsize, 3 bk_nextsize.
 */
#define W(p, i) (((size_t *)(p))[i])

/* The chunk address of user pointer @p, as the list words hold it. */
static inline size_t chunk_of(void *p)
{
	return (size_t)p - 16;
}

/* Allocate @n bytes in the child, or end it with status 92. */
static inline void *xmalloc(size_t n)
{
	void *p = ptm_malloc(n);

	if (p == NULL)
		death_exit(92);
	return p;
}

/* A pointer 8 bytes into user block @p: a misaligned chunk address. */
static inline size_t misaligned_in(void *p)
{
	return chunk_of(p) + 8;
}

/* Run @fn(@action) and expect the report of @msg at the noted pointer. */
static inline void check(void (*fn)(int), int action, const char *msg)
{
	struct death d;

	death_run(fn, action, &d);
	cr_assert(ge(int, d.nnotes, 1), "child status %#x, stderr: %s",
		  d.status, d.err);
	expect_report(&d, action, msg, d.notes[0]);
}

/* a, b of 24 bytes freed (b heads the bin); b's fd 8 bytes into a. */
static inline void fast_misaligned_next(void **a, void **b)
{
	*a = xmalloc(24);
	*b = xmalloc(24);
	ptm_free(*a);
	ptm_free(*b);
	W(*b, 0) = misaligned_in(*a);
}

/*
 * X (2016) filed in large bin 79 by a malloc(3000) that top serves, with
 * g1 (2016), g2 (100), V (2032) and a 100-byte guard after it: the
 * setup of the large-bin tests.  (Any later small request would be
 * split off X.)
 */
static inline void large_bin_setup(int action, void **x, void **g1, void **g2,
				   void **v)
{
	death_setup(action);
	*x = xmalloc(2000);
	*g1 = xmalloc(2000);
	*g2 = xmalloc(100);
	*v = xmalloc(2016);
	xmalloc(100);
	ptm_free(*x);
	xmalloc(3000);
}

/*
 * The unsorted bin's header, learnt from a chunk that was alone in it
 * and then handed out again, so that the bin is empty.
 */
static inline size_t *unsorted_header(void)
{
	void *b = xmalloc(200);
	size_t *h;

	xmalloc(100);
	ptm_free(b);
	h = (size_t *)W(b, 0);
	if (xmalloc(200) != b)
		death_exit(94);
	return h;
}

#endif /* PTM_INTEGRITY_H */
