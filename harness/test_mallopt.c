/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mallopt experiments of docs/experiments.md that can be
 * measured in-process on a simulated break: E-4.3.3 (M_MXFAST and the
 * mallinfo table), E-4.3.4 (M_TOP_PAD break figures), E-4.3.5
 * (M_TRIM_THRESHOLD break figures) and the mallinfo tables of E-5.3
 * (fast-bin chunks pinning the heap, its two fixes, and 001's test1).
 * The statm parts of E-5.3 run on the real break in another file.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/*
 * E-4.3.3: twenty malloc(32) then twenty frees; mallinfo before, after
 * allocating and after freeing.  @mxfast_off applies test2's
 * mallopt(M_MXFAST, 0) first.
 */
static void mxfast_experiment(int mxfast_off)
{
	void *array[20];

	fresh_sim_heap();
	if (mxfast_off)
		cr_assert(eq(int, ptm_mallopt(M_MXFAST, 0), 1));
	assert_mallinfo("before allocating",
			(struct mi_expect){ .arena = 0,
					    .ordblks = 1,
					    .smblks = 0,
					    .hblks = 0,
					    .hblkhd = 0,
					    .usmblks = 0,
					    .fsmblks = 0,
					    .uordblks = 0,
					    .fordblks = 0,
					    .keepcost = 0 });
	for (int i = 0; i < 20; i++)
		array[i] = ptm_malloc(32);
	assert_mallinfo("after allocating",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 0,
					    .hblks = 0,
					    .hblkhd = 0,
					    .usmblks = 0,
					    .fsmblks = 0,
					    .uordblks = 960,
					    .fordblks = 134208,
					    .keepcost = 134208 });
	for (int i = 0; i < 20; i++)
		ptm_free(array[i]);
}

Test(experiment_4_3_3, mxfast_test1)
{
	mxfast_experiment(0);
	assert_mallinfo("after freeing (test1, defaults)",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 20,
					    .hblks = 0,
					    .hblkhd = 0,
					    .usmblks = 0,
					    .fsmblks = 960,
					    .uordblks = 0,
					    .fordblks = 135168,
					    .keepcost = 134208 });
}

Test(experiment_4_3_3, mxfast_test2)
{
	mxfast_experiment(1);
	assert_mallinfo("after freeing (test2, M_MXFAST 0)",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 0,
					    .hblks = 0,
					    .hblkhd = 0,
					    .usmblks = 0,
					    .fsmblks = 0,
					    .uordblks = 0,
					    .fordblks = 135168,
					    .keepcost = 135168 });
}

/*
 * E-4.3.4 / E-4.3.5: five malloc(100 KiB), reading the break after each,
 * then five frees; @grow holds the five expected deltas, @after_free the
 * delta after the frees.
 */
static void five_100k(const size_t grow[5], size_t after_free)
{
	char *p[5];

	for (int i = 0; i < 5; i++) {
		p[i] = ptm_malloc(KIB(100));
		cr_assert(ne(ptr, p[i], NULL));
		cr_assert(eq(sz, brk_delta(), grow[i]), "after malloc %d",
			  i + 1);
	}
	cr_assert(eq(int, MI(hblks), 0), "all five from the heap");
	for (int i = 0; i < 5; i++)
		ptm_free(p[i]);
	cr_assert(eq(sz, brk_delta(), after_free), "after the frees");
	cr_assert(eq(int, MI(keepcost), (int)after_free));
	cr_assert(eq(int, MI(arena), (int)after_free));
}

static const size_t default_growth[5] = { 0x3a000, 0x3a000, 0x6c000, 0x6c000,
					  0x9e000 };

/* test1 (defaults): after the frees 132 KiB of top is kept. */
Test(experiment_4_3_4, top_pad_test1)
{
	fresh_sim_heap();
	five_100k(default_growth, 0x21000);
}

/* test2: M_TOP_PAD 400 KiB: +0x7e000 five times, +0x65000 after frees. */
Test(experiment_4_3_4, top_pad_test2)
{
	static const size_t grow[5] = { 0x7e000, 0x7e000, 0x7e000, 0x7e000,
					0x7e000 };

	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_TOP_PAD, KIB(400)), 1));
	five_100k(grow, 0x65000);
}

/* E-4.3.5 test1 is E-4.3.4 test1. */
Test(experiment_4_3_5, trim_threshold_test1)
{
	fresh_sim_heap();
	five_100k(default_growth, 0x21000);
}

/* test2: M_TRIM_THRESHOLD 800 KiB: the break stays at +0x9e000. */
Test(experiment_4_3_5, trim_threshold_test2)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_TRIM_THRESHOLD, KIB(800)), 1));
	five_100k(default_growth, 0x9e000);
}

/* M_TRIM_THRESHOLD -1 disables trimming on free entirely. */
Test(experiment_4_3_5, trim_threshold_minus_one)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_TRIM_THRESHOLD, -1), 1));
	cr_assert(eq(sz, ptm_debug_param(M_TRIM_THRESHOLD), SIZE_MAX));
	five_100k(default_growth, 0x9e000);
}

#define E53_NUM 50000

/*
 * E-5.3: 50000 x (b = malloc(1024); n = malloc(24)), then freed from the
 * last iteration to the first, block before node.  The arrays are taken
 * from the system malloc so that only the experiment's blocks are ours.
 */
struct e53 {
	char **block;
	char **node;
};

static struct e53 e53_allocate(void)
{
	struct e53 e;

	e.block = malloc(E53_NUM * sizeof(*e.block));
	e.node = malloc(E53_NUM * sizeof(*e.node));
	cr_assert(ne(ptr, e.block, NULL));
	cr_assert(ne(ptr, e.node, NULL));
	for (int i = 0; i < E53_NUM; i++) {
		e.block[i] = ptm_malloc(1024);
		e.node[i] = ptm_malloc(24);
		cr_assert(ne(ptr, e.node[i], NULL));
	}
	return e;
}

static void e53_free(struct e53 e)
{
	for (int i = E53_NUM - 1; i >= 0; i--) {
		ptm_free(e.block[i]);
		ptm_free(e.node[i]);
	}
	free(e.block);
	free(e.node);
}

static const struct mi_expect e53_after_malloc = {
	.arena = 53661696,
	.ordblks = 1,
	.smblks = 0,
	.fsmblks = 0,
	.uordblks = 53600000,
	.fordblks = 61696,
	.keepcost = 61696,
};

/* The table of E-5.3: the fast-bin nodes pin the whole heap. */
Test(experiment_5_3, mallinfo_list_nodes)
{
	fresh_sim_heap();
	struct e53 e = e53_allocate();

	assert_mallinfo("after malloc", e53_after_malloc);
	cr_assert(eq(sz, brk_delta(), 53661696));
	e53_free(e);
	assert_mallinfo("after free", (struct mi_expect){ .arena = 53661696,
							  .ordblks = 50001,
							  .smblks = 50000,
							  .fsmblks = 1600000,
							  .uordblks = 0,
							  .fordblks = 53661696,
							  .keepcost = 61696 });
	cr_assert(eq(sz, brk_delta(), 53661696), "nothing given back");
}

/* Fix A: mallopt(M_MXFAST, 0) at the start: arena back to 135168. */
Test(experiment_5_3, fix_a_mxfast_0)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, 0), 1));
	struct e53 e = e53_allocate();

	assert_mallinfo("after malloc, fast bins off", e53_after_malloc);
	e53_free(e);
	assert_mallinfo("after free, fast bins off",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .fordblks = 135168,
					    .keepcost = 135168 });
	cr_assert(eq(sz, brk_delta(), 135168));
}

/* Fix B: malloc_trim(0) after the frees returns 1; arena 4096. */
Test(experiment_5_3, fix_b_malloc_trim)
{
	fresh_sim_heap();
	struct e53 e = e53_allocate();

	e53_free(e);
	cr_assert(eq(int, MI(arena), 53661696));
	cr_assert(eq(int, ptm_malloc_trim(0), 1));
	assert_mallinfo("after malloc_trim(0)",
			(struct mi_expect){ .arena = 4096,
					    .ordblks = 1,
					    .fordblks = 4096,
					    .keepcost = 4096 });
	cr_assert(eq(sz, brk_delta(), 4096));
}

/*
 * 001's test1: the pointer table is one 400000-byte block (mmapped), the
 * 50000 blocks of 1024 come from the heap; blocks are freed first, then
 * the table.
 */
Test(experiment_5_3, test1_pointer_table)
{
	fresh_sim_heap();
	char **ptrs = ptm_malloc(E53_NUM * sizeof(char *));

	cr_assert(eq(sz, sizeof(char *) * E53_NUM, 400000));
	for (int i = 0; i < E53_NUM; i++)
		ptrs[i] = ptm_malloc(1024);
	assert_mallinfo("after allocating",
			(struct mi_expect){ .arena = 52039680,
					    .ordblks = 1,
					    .hblks = 1,
					    .hblkhd = 401408,
					    .uordblks = 52000000,
					    .fordblks = 39680,
					    .keepcost = 39680 });
	for (int i = 0; i < E53_NUM; i++)
		ptm_free(ptrs[i]);
	ptm_free(ptrs);
	assert_mallinfo("after all frees",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .hblks = 0,
					    .hblkhd = 0,
					    .fordblks = 135168,
					    .keepcost = 135168 });
	cr_assert(eq(sz, brk_delta(), 135168));
}
