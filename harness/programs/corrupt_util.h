/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The frame of harness/programs/corrupt_scenarios.c (included by it and
 * by corrupt_extra.h only): the step markers, the allocator calls
 * through the standard names, each announced by its marker, and the
 * layout helpers every scenario relies on.
 *
 *	step(CALL)	"@N CALL" on stderr, with write(2)
 *	expect(ok, WHAT)	"@layout WHAT" and exit 3 unless @ok
 *	s_malloc() ...	the calls, each after its marker
 *	top_malloc(n)	a block carved from top (checked)
 *	next_malloc(p, n)	a block right after @p's (checked)
 *	fast_link_set()	forge a fast-bin link in the bin's encoding
 */
#ifndef PTM_CORRUPT_UTIL_H
#define PTM_CORRUPT_UTIL_H

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Word @i of the chunk of user pointer @p (-2 prev_size, -1 size, 0 fd,
 * 1 bk, 2 fd_nextsize, 3 bk_nextsize). */
#define W(p, i) (((volatile size_t *)(p))[i])

/* ---- output and steps -------------------------------------------------- */

static unsigned int step_no;

/* Write @s to descriptor @fd, whole. */
static void put_fd(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Write @s to standard error. */
static void put(const char *s)
{
	put_fd(2, s);
}

/* The marker of the next call, "@N CALL". */
static void step(const char *call)
{
	char num[16], *d = num + sizeof(num);
	unsigned int n = ++step_no;

	*--d = '\0';
	do
		*--d = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	put("@");
	put(d);
	put(" ");
	put(call);
	put("\n");
}

/* A layout this scenario needs did not hold: say which, exit 3. */
static void expect(bool ok, const char *what)
{
	if (ok)
		return;
	put("@layout ");
	put(what);
	put("\n");
	_exit(3);
}

/* ---- the calls --------------------------------------------------------- */

static void *s_malloc(size_t n)
{
	void *p;

	step("malloc");
	p = malloc(n);
	expect(p != NULL, "malloc returned NULL");
	return p;
}

static void s_free(void *p)
{
	step("free");
	free(p);
}

static void *s_realloc(void *p, size_t n)
{
	step("realloc");
	return realloc(p, n);
}

static void *s_calloc(size_t n, size_t size)
{
	step("calloc");
	return calloc(n, size);
}

static void *s_memalign(size_t align, size_t n)
{
	step("memalign");
	return memalign(align, n);
}

static void s_mallopt(int param, int value)
{
	step("mallopt");
	expect(mallopt(param, value) == 1, "mallopt refused");
}

/* ---- layout helpers ---------------------------------------------------- */

static size_t chunk_of(void *p)
{
	return (size_t)p - 16;
}

static size_t size_of(void *p)
{
	return W(p, -1) & ~(size_t)7;
}

/* Whether @q is the chunk right after @p's. */
static bool follows(void *p, void *q)
{
	return chunk_of(p) + size_of(p) == chunk_of(q);
}

/* Allocate @n bytes right after the block @prev. */
static void *next_malloc(void *prev, size_t n)
{
	void *p = s_malloc(n);

	expect(follows(prev, p), "blocks not consecutive");
	return p;
}

/* Whether the chunk after @p's is top, ending at the break. */
static bool borders_top(void *p)
{
	char *t = (char *)p + size_of(p);

	return (uintptr_t)t - 16 + size_of(t) == (uintptr_t)sbrk(0);
}

/* Allocate @n bytes from top (a fresh chunk bordering top). */
static void *top_malloc(size_t n)
{
	void *p = s_malloc(n);

	expect(borders_top(p), "block not carved from top");
	return p;
}

/*
 * Write @target into the fast-bin link of the free chunk of @mem, in the
 * encoding the link it holds now uses: its current value must decode to
 * @now, plainly or safe-linked ((field address >> 12) XOR pointer).
 */
static void fast_link_set(void *mem, size_t now, size_t target)
{
	size_t key = (size_t)&W(mem, 0) >> 12;

	if (W(mem, 0) == now)
		W(mem, 0) = target;
	else if (W(mem, 0) == (key ^ now))
		W(mem, 0) = key ^ target;
	else
		expect(false, "fast-bin link is neither plain nor safe-linked");
}

/* The fast-bin link of the free chunk of @mem, decoded (see above). */
static size_t fast_link_get(void *mem, size_t expected)
{
	size_t key = (size_t)&W(mem, 0) >> 12;

	if (W(mem, 0) == expected || W(mem, 0) == (key ^ expected))
		return expected;
	return W(mem, 0);
}

/* a, b of 24 bytes freed (b heads the bin); b's link 8 bytes into a. */
static void fast_misaligned_next(void **a, void **b)
{
	*a = top_malloc(24);
	*b = next_malloc(*a, 24);
	s_free(*a);
	s_free(*b);
	fast_link_set(*b, chunk_of(*a), chunk_of(*a) + 8);
}

/*
 * X (2016) filed in large bin 79 by a malloc(3000) that top serves, with
 * g1 (2016), g2 (100), V (2032) and a 100-byte guard after it.
 */
static void large_bin_setup(void **x, void **g1, void **g2, void **v)
{
	void *guard;

	*x = top_malloc(2000);
	*g1 = next_malloc(*x, 2000);
	*g2 = next_malloc(*g1, 100);
	*v = next_malloc(*g2, 2016);
	guard = next_malloc(*v, 100);
	s_free(*x);
	expect(follows(guard, top_malloc(3000)), "3000 not from top");
}

/* The unsorted bin's header, learnt from a chunk alone in it. */
static size_t *unsorted_header(void)
{
	void *b = top_malloc(200);
	size_t *h;

	next_malloc(b, 100);
	s_free(b);
	h = (size_t *)W(b, 0);
	expect(s_malloc(200) == b, "unsorted chunk not handed back");
	return h;
}

#endif /* PTM_CORRUPT_UTIL_H */
