// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The two hooks of glibc 2.17 that are not entry points, in-process on
 * the archive: ptm_malloc_initialize_hook runs once, at the end of the
 * first call's initialisation and before that call's own hook is read;
 * ptm_after_morecore_hook runs after each move of the break (growth, its
 * alignment correction, trimming), with the break already moved.  And
 * realloc(p, 0), which frees without the free hook (glibc 2.34+), and
 * malloc_get_state(), which fails with ENOSYS.  The glibc names of the
 * same variables in the drop-in are in test_compat.c.
 */
#include <errno.h>

#include "harness.h"

static int init_calls;
static int malloc_hook_calls;
static int free_hook_calls;
static void *heap_at_init;

/* A malloc hook that counts and allocates (glibc's protocol). */
static void *counting_malloc(size_t size, const void *caller)
{
	void *p;

	(void)caller;
	malloc_hook_calls++;
	ptm_malloc_hook = NULL;
	p = ptm_malloc(size);
	ptm_malloc_hook = counting_malloc;
	return p;
}

/* A free hook that counts and frees. */
static void counting_free(void *ptr, const void *caller)
{
	(void)caller;
	free_hook_calls++;
	ptm_free_hook = NULL;
	ptm_free(ptr);
	ptm_free_hook = counting_free;
}

/* The initialisation hook: note the heap, install the malloc hook. */
static void init_hook(void)
{
	init_calls++;
	heap_at_init = ptm_debug_heap_start();
	ptm_malloc_hook = counting_malloc;
}

/*
 * The hook runs once, before the heap has any memory, and what it
 * installs serves the very call that initialised the allocator.
 */
Test(hooks, initialize_hook_once_before_first_block)
{
	fresh_sim_heap();
	ptm_malloc_initialize_hook = init_hook;
	cr_expect(eq(int, init_calls, 0));
	ptm_free(ptm_malloc(10));
	cr_expect(eq(int, init_calls, 1));
	cr_expect(eq(ptr, heap_at_init, NULL));
	cr_expect(eq(int, malloc_hook_calls, 1));
	ptm_free(ptm_malloc(10));
	cr_expect(eq(int, init_calls, 1));
	cr_expect(eq(int, malloc_hook_calls, 2));
}

static size_t morecore_brk[8];
static int morecore_calls;

/* The morecore hook: where the break is each time it is called. */
static void morecore_hook(void)
{
	if (morecore_calls < 8)
		morecore_brk[morecore_calls] = brk_delta();
	morecore_calls++;
}

/*
 * The first growth moves the break by page_round_up(32 + top pad 131072 +
 * MINSIZE 32) = 135168 and then by a zero correction (two calls); a
 * 200000-byte request extends the top of 135136 bytes by
 * page_round_up(200016 + 131072 + 32 - 135136) = 196608; its free trims
 * ALIGN_DOWN(331728 - 131072 - 33, 4096) = 196608 bytes again, and
 * malloc_trim(0), after consolidating the first block into the top,
 * ALIGN_DOWN(135168 - 33, 4096) = 131072 more.
 */
Test(hooks, after_morecore_on_each_break_move)
{
	void *p;

	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MMAP_THRESHOLD, 1 << 20), 1));
	ptm_after_morecore_hook = morecore_hook;
	p = ptm_malloc(1);
	cr_expect(eq(int, morecore_calls, 2));
	cr_expect(eq(sz, morecore_brk[0], 135168));
	cr_expect(eq(sz, morecore_brk[1], 135168));
	ptm_free(ptm_malloc(200000));
	cr_expect(eq(int, morecore_calls, 4));
	cr_expect(eq(sz, morecore_brk[2], 331776));
	cr_expect(eq(sz, morecore_brk[3], 135168));
	/* A fast-bin free moves nothing: no call. */
	ptm_free(p);
	cr_expect(eq(int, morecore_calls, 4));
	/* Trimming to no pad keeps one page: 135168 - 32 - 1, page down. */
	cr_expect(eq(int, ptm_malloc_trim(0), 1));
	cr_expect(eq(int, morecore_calls, 5));
	cr_expect(eq(sz, morecore_brk[4], 4096));
}

/* realloc(p, 0) frees p without the free hook; free(p) uses it. */
Test(hooks, realloc_zero_frees_without_free_hook)
{
	void *p, *q;

	fresh_sim_heap();
	p = ptm_malloc(10);
	q = ptm_malloc(10);
	ptm_free_hook = counting_free;
	cr_expect(eq(ptr, ptm_realloc(p, 0), NULL));
	cr_expect(eq(int, free_hook_calls, 0));
	ptm_free_hook = NULL;
	/* p was freed: its chunk serves the next request. */
	cr_expect(eq(ptr, ptm_malloc(10), p));
	ptm_free_hook = counting_free;
	ptm_free(q);
	cr_expect(eq(int, free_hook_calls, 1));
}

Test(hooks, malloc_get_state_is_enosys)
{
	errno = 0;
	cr_expect(eq(ptr, ptm_malloc_get_state(), NULL));
	cr_expect(eq(int, errno, ENOSYS));
}

/*
 * A dump whose first chunk has size 0 (the word after the zero padding
 * is 1, PREV_INUSE alone): adopted without looping on it, and its top
 * still bounds the dumped range, whose chunks free() ignores.
 */
Test(hooks, malloc_set_state_zero_size_chunk_ends_walk)
{
	static size_t dump[8] = { 0, 1 };
	static long state[300];

	fresh_sim_heap();
	state[0] = 0x444c4541L;
	state[1] = 4;
	/* av[2], the top chunk, and sbrk_base, sbrked_mem_bytes. */
	state[2 + 2] = (long)(dump + 6);
	state[2 + 258] = (long)dump;
	state[2 + 259] = (long)sizeof(dump);
	cr_expect(eq(int, ptm_malloc_set_state(state), 0));
	cr_expect(eq(sz, dump[1], 1));
	/* A chunk of the dump with a mapped size word is left alone. */
	dump[3] = 32 | 2;
	ptm_free(dump + 4);
	cr_expect(eq(sz, dump[3], 34));
}

/* A save state whose magic is wrong, or whose major version is newer. */
Test(hooks, malloc_set_state_refuses_bad_headers)
{
	long state[300] = { 0 };

	fresh_sim_heap();
	state[0] = 0x12345678;
	cr_expect(eq(int, ptm_malloc_set_state(state), -1));
	state[0] = 0x444c4541L;
	state[1] = 0x100;
	cr_expect(eq(int, ptm_malloc_set_state(state), -2));
	/* Too late once the allocator is initialised. */
	state[1] = 4;
	ptm_free(ptm_malloc(1));
	cr_expect(eq(int, ptm_malloc_set_state(state), -1));
}
