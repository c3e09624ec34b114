/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The extra scenarios of harness/programs/corrupt_scenarios.c (included
 * by it only): the checks of the death tests reached through the other
 * entry points (mallopt, malloc_trim, a large free, memalign, realloc,
 * calloc, malloc_stats) and in a thread's own arena; glibc's assertions
 * that a corrupted heap can reach (binmap, large-bin insertion, calloc,
 * memalign); the fast path's check once a thread exists; and the edges
 * where this allocator follows glibc 2.17 (the raw unsorted size word,
 * plain fast-bin links).
 */
#ifndef PTM_CORRUPT_EXTRA_H
#define PTM_CORRUPT_EXTRA_H

#include "corrupt_util.h"

/* ---- extra: the same checks through other entry points ----------------- */

/* A freed 24-byte block whose size now claims the 48-byte bin. */
static void *fast_claims_48(void)
{
	void *a = top_malloc(24);

	s_free(a);
	W(a, -1) = 0x31;
	return a;
}

/* mallopt() consolidates the fast bins first (glibc 2.17 and 2.36). */
static void extra_consolidate_by_mallopt(void)
{
	fast_claims_48();
	s_mallopt(M_PERTURB, 0);
}

/* So does malloc_trim(), arena by arena. */
static void extra_consolidate_by_malloc_trim(void)
{
	fast_claims_48();
	step("malloc_trim");
	malloc_trim(0);
}

/* So does a free that leaves a chunk of 64 KiB or more. */
static void extra_consolidate_by_large_free(void)
{
	void *a = top_malloc(24), *b = next_malloc(a, 70000);

	expect(borders_top(b), "70000 not from top");
	s_free(a);
	W(a, -1) = 0x31;
	s_free(b);
}

/*
 * memalign(64, 24) frees a 32-byte leading piece under the arena lock:
 * the fast bin's old head is checked.  A filler first puts the chunk
 * memalign gets at 16 modulo 64, so that the leader is exactly 32.
 */
static void extra_invalid_fastbin_entry_by_memalign(void)
{
	void *a = top_malloc(24);
	size_t top = chunk_of(a) + 32, f = (16 - top) & 63;
	void *m;

	f = f == 0 ? 64 : f == 16 ? 80 : f;
	next_malloc(a, f - 8);
	expect((top + f) % 64 == 16, "filler");
	s_free(a);
	W(a, -1) = 0x31;
	m = s_memalign(64, 24);
	expect(m != NULL && chunk_of(m) == top + f + 32, "leader not 32");
}

/* realloc() growing into a free successor unlinks it: fd broken. */
static void extra_realloc_unlink_fd(void)
{
	void *a = top_malloc(200), *b = next_malloc(a, 200);
	void *g = next_malloc(b, 100);

	next_malloc(g, 100);
	s_free(b);
	W(g, 1) = 0;
	W(b, 0) = chunk_of(g); /* g's bk does not lead back */
	s_realloc(a, 300);
}

/* The same, the successor's size disagreeing with its next prev_size. */
static void extra_realloc_unlink_prev_size(void)
{
	void *a = top_malloc(200), *b = next_malloc(a, 200);
	void *g = next_malloc(b, 100);

	s_free(b);
	W(g, -2) = 0x1000;
	s_realloc(a, 300);
}

/* calloc() reaches top through the same checks. */
static void extra_calloc_corrupted_top_size(void)
{
	char *p = top_malloc(24);

	W(p + 32, -1) = 0x7ffffff0 | 1;
	s_calloc(1, 100);
}

/* malloc_stats() runs int_mallinfo() on each arena. */
static void extra_malloc_stats_unaligned_fastbin_chunk(void)
{
	void *a, *b;

	fast_misaligned_next(&a, &b);
	step("malloc_stats");
	malloc_stats();
}

/*
 * A 208-byte chunk filed in its small bin, its size then made 32 (and
 * the prev_size after those 32 bytes made to agree, so that unlinking
 * it finds nothing wrong); malloc(100) finds it through the binmap.
 * glibc (2.17 and 2.36) asserts that the chunk is big enough.
 */
static void extra_binmap_chunk_too_small(void)
{
	void *a = top_malloc(200), *g = next_malloc(a, 100);

	s_free(a);
	top_malloc(300); /* files a in its small bin */
	(void)g;
	W(a, -1) = 32 | 1;
	W(a, 2) = 32; /* the prev_size of the chunk 32 bytes on */
	s_malloc(100);
}

/*
 * X in large bin 79 with the arena bit (NON_MAIN_ARENA) set in its
 * size; V (2032) is then filed beside it.  glibc (2.17 and 2.36)
 * asserts that the chunks of a main-arena bin do not carry the bit.
 */
static void extra_largebin_non_main_arena_bit(void)
{
	void *x, *g1, *g2, *v;

	large_bin_setup(&x, &g1, &g2, &v);
	s_free(v);
	W(x, -1) |= 4;
	s_malloc(3000);
}

/*
 * A 208-byte chunk in its small bin, its size then made 16: calloc(1,
 * 200) is served from that bin and would clear 8 bytes; glibc (2.17
 * and 2.36) asserts that calloc clears at least three words.
 */
static void extra_calloc_chunk_too_small(void)
{
	void *a = top_malloc(200);

	next_malloc(a, 100);
	s_free(a);
	top_malloc(300);
	W(a, -1) = 16 | 1;
	s_calloc(1, 200);
}

static void *no_allocation(void *arg)
{
	return arg;
}

/*
 * As malloc_unaligned_fastbin_chunk_multithreaded, but the second
 * thread never calls the allocator: glibc's fast path for one thread
 * (SINGLE_THREAD_P) ends when the second thread is created.
 */
static void extra_unaligned_fastbin_chunk_thread_without_malloc(void)
{
	pthread_t t;
	void *a, *b;

	step("pthread_create");
	expect(pthread_create(&t, NULL, no_allocation, NULL) == 0 &&
		       pthread_join(t, NULL) == 0,
	       "no thread");
	fast_misaligned_next(&a, &b);
	s_malloc(24);
}

/*
 * An unsorted chunk whose size word is 0x11: 16 bytes, PREV_INUSE.
 * glibc 2.36 compares the size without its flag bits, 2.17 the raw word.
 */
static void extra_unsorted_size_0x11(void)
{
	void *a = top_malloc(200);

	next_malloc(a, 100);
	s_free(a);
	W(a, -1) = 0x11;
	s_malloc(100);
}

/*
 * A 144-byte chunk x at 16 modulo 64 filed in its small bin, its size
 * then made 48: memalign(64, 24) is served x by its small bin (which
 * reads no size) and keeps 48 - 32 = 16 bytes of it after the 32-byte
 * leader.  glibc (2.17 and 2.36) asserts that what is kept still
 * holds the request.
 */
static void extra_memalign_chunk_too_small(void)
{
	void *f0 = top_malloc(24), *x;
	size_t top = chunk_of(f0) + 32, f = (16 - top) & 63;

	f = f == 0 ? 64 : f == 16 ? 80 : f;
	x = next_malloc(next_malloc(f0, f - 8), 136);
	expect(chunk_of(x) % 64 == 16, "filler");
	next_malloc(x, 100);
	s_free(x);
	top_malloc(300); /* files x in its small bin */
	W(x, -1) = 48 | 1;
	s_memalign(64, 24);
}

/*
 * A plain pointer written over a fast-bin link (the classic forgery):
 * b's link made to point at the in-use 24-byte block g.  glibc 2.32 and
 * later store the links safe-linked, so the plain value reveals as a
 * misaligned address (always here: the page of b's link is chosen so
 * that bits 12 to 15 of its address are not all zero, with a silent
 * filler that is not a step).  This allocator stores them plainly
 * unless its per-thread cache or glibc.malloc.safe_linking is on.
 */
static void extra_plain_pointer_over_fast_link(void)
{
	void *p0 = malloc(24), *a, *b, *g;
	size_t t = chunk_of(p0) + 32;

	if (((t + 48) >> 12 & 15) == 0)
		expect(malloc(4000) != NULL, "filler");
	a = top_malloc(24);
	b = next_malloc(a, 24);
	g = next_malloc(b, 24);
	expect(((chunk_of(b) + 16) >> 12 & 15) != 0, "page bits");
	s_free(a);
	s_free(b);
	W(b, 0) = chunk_of(g);
	expect(s_malloc(24) == b, "b not handed out");
	s_malloc(24);
}

/*
 * Not in the test suite (glibc faults rather than reports, and whether
 * it does depends on what is mapped at the 64 MiB boundary below the
 * heap): a heap chunk whose size word has an invalid size and the
 * arena bit.  glibc's free() looks up the chunk's sub-heap before any
 * check.
 */
static void extra_free_invalid_size_arena_bit(void)
{
	void *p = top_malloc(24);

	next_malloc(p, 24);
	W(p, -1) = 0x15;
	s_free(p);
}

/* ---- extra: a thread's own arena --------------------------------------- */

/* Run @body in a second thread (its own arena), then join it. */
static void in_thread(void *(*body)(void *))
{
	pthread_t t;

	step("pthread_create");
	expect(pthread_create(&t, NULL, body, NULL) == 0 &&
		       pthread_join(t, NULL) == 0,
	       "no thread");
}

static void *thread_double_free_prev(void *arg)
{
	void *p = s_malloc(2000);

	next_malloc(p, 2000);
	s_free(p);
	s_free(p);
	return arg;
}

static void extra_thread_double_free_prev(void)
{
	in_thread(thread_double_free_prev);
}

static void *thread_corrupted_top_size(void *arg)
{
	char *p = s_malloc(24);

	W(p + 32, -1) = 0x7ffffff0 | 1;
	s_malloc(100);
	return arg;
}

static void extra_thread_corrupted_top_size(void)
{
	in_thread(thread_corrupted_top_size);
}

static void *thread_unsorted_fd(void *arg)
{
	void *a = s_malloc(200), *g = next_malloc(a, 100);

	s_free(a);
	W(a, 0) = chunk_of(g);
	s_malloc(100);
	return arg;
}

static void extra_thread_unsorted_double_linked_list(void)
{
	in_thread(thread_unsorted_fd);
}

/* ---- extra: the sequences of glibc's own malloc tests ------------------ */

/*
 * glibc's tst-tcfree2: twenty 20-byte blocks freed, then the first one
 * freed again, from deep in its free list.  Only the per-thread cache's
 * key finds that double free; a fast bin checks its head only.
 */
static void extra_double_free_deep_in_bin(void)
{
	void *p[20];

	for (size_t i = 0; i < 20; i++)
		p[i] = s_malloc(20);
	for (size_t i = 0; i < 20; i++)
		s_free(p[i]);
	s_free(p[0]);
}

#endif /* PTM_CORRUPT_EXTRA_H */
