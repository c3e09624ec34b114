/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers shared by the in-process experiment tests (test_chunk.c,
 * test_bins.c, test_malloc_path.c, test_free_path.c, test_mallopt.c,
 * test_api.c).
 *
 * Header only: every helper is static inline, so each test file gets its
 * own copy of the recorded break.  Each Criterion test runs in a fresh
 * process, so a test calls fresh_sim_heap() once, before its first
 * allocation, and every figure about the break or the heap start is then
 * relative to that private, page-aligned simulated break.
 *
 * The figures asserted with these helpers come from the experiments of
 * the source documents (docs/experiments.md), never from running the
 * code.
 */
#ifndef PTM_HARNESS_H
#define PTM_HARNESS_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stddef.h>
#include <stdint.h>

#include "ptmalloc.h"

#define KIB(n) ((size_t)(n)*1024)
#define MIB(n) ((size_t)(n)*1024 * 1024)

/* Capacity of the simulated break: far more than any experiment needs. */
#define HARNESS_SIM_BRK_CAPACITY (1UL << 30)

/* The simulated break as it was before the test's first allocation. */
static char *harness_brk0;

/*
 * Give the main arena a private 1 GiB simulated break and remember where
 * it starts.  Must run before the first allocation of the test.
 */
static inline void fresh_sim_heap(void)
{
	cr_assert(eq(int, ptm_debug_simulate_brk(HARNESS_SIM_BRK_CAPACITY), 0),
		  "ptm_debug_simulate_brk must succeed before any allocation");
	harness_brk0 = ptm_debug_brk();
	cr_assert(ne(ptr, harness_brk0, NULL));
	cr_assert(eq(uptr, (uintptr_t)harness_brk0 % 4096, 0),
		  "the simulated break starts page aligned");
}

/* How far the break has moved since fresh_sim_heap(). */
static inline size_t brk_delta(void)
{
	return (size_t)((char *)ptm_debug_brk() - harness_brk0);
}

/* The main arena's heap start (glibc's sbrk_base). */
static inline char *heap_start(void)
{
	return ptm_debug_heap_start();
}

/* The raw size word (flags included) of the chunk behind user pointer @p. */
static inline size_t size_word(const void *p)
{
	return ((const size_t *)p)[-1];
}

/* The prev_size word of the chunk behind user pointer @p. */
static inline size_t prev_size_word(const void *p)
{
	return ((const size_t *)p)[-2];
}

/* The chunk size (flags masked) of the chunk behind user pointer @p. */
static inline size_t chunk_bytes(const void *p)
{
	return size_word(p) & ~(size_t)7;
}

/* The user pointer of the chunk that follows the one behind @p. */
static inline char *next_mem(const void *p)
{
	return (char *)p + chunk_bytes(p);
}

/* Word @i of the user area of @p (a free chunk's fd, bk, ...). */
static inline uintptr_t mem_word(const void *p, int i)
{
	return ((const uintptr_t *)p)[i];
}

/* The chunk address (user pointer - 16) of @p, as free lists store it. */
static inline uintptr_t chunk_addr(const void *p)
{
	return (uintptr_t)p - 2 * sizeof(size_t);
}

/* Whether bytes [from, to) of @p all equal @byte. */
static inline int bytes_are(const void *p, size_t from, size_t to, int byte)
{
	const unsigned char *c = p;

	for (size_t i = from; i < to; i++)
		if (c[i] != (unsigned char)byte)
			return 0;
	return 1;
}

/**
 * struct mi_expect - one row of expected mallinfo figures; every field
 * is asserted, so a field left out of an initializer is asserted as 0.
 */
struct mi_expect {
	int arena;
	int ordblks;
	int smblks;
	int hblks;
	int hblkhd;
	int usmblks;
	int fsmblks;
	int uordblks;
	int fordblks;
	int keepcost;
};

#define HARNESS_MI_FIELD(got, want, f, when) \
	cr_expect(eq(int, (got).f, (want).f), "%s: mallinfo." #f, (when))

/*
 * Assert every field of ptm_mallinfo() against @want; @when names the
 * moment (a row of the experiment's table) in the failure message.  All
 * mismatching fields are reported before the test stops.
 */
static inline void assert_mallinfo(const char *when, struct mi_expect want)
{
	struct mallinfo got = ptm_mallinfo();

	HARNESS_MI_FIELD(got, want, arena, when);
	HARNESS_MI_FIELD(got, want, ordblks, when);
	HARNESS_MI_FIELD(got, want, smblks, when);
	HARNESS_MI_FIELD(got, want, hblks, when);
	HARNESS_MI_FIELD(got, want, hblkhd, when);
	HARNESS_MI_FIELD(got, want, usmblks, when);
	HARNESS_MI_FIELD(got, want, fsmblks, when);
	HARNESS_MI_FIELD(got, want, uordblks, when);
	HARNESS_MI_FIELD(got, want, fordblks, when);
	HARNESS_MI_FIELD(got, want, keepcost, when);
	if (got.arena != want.arena || got.ordblks != want.ordblks ||
	    got.smblks != want.smblks || got.hblks != want.hblks ||
	    got.hblkhd != want.hblkhd || got.usmblks != want.usmblks ||
	    got.fsmblks != want.fsmblks || got.uordblks != want.uordblks ||
	    got.fordblks != want.fordblks || got.keepcost != want.keepcost)
		cr_fatal("%s: mallinfo differs from the experiment", when);
}

/* One mallinfo field, for tests that assert a single figure. */
#define MI(field) (ptm_mallinfo().field)

#endif /* PTM_HARNESS_H */
