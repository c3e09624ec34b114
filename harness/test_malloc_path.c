/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * E-3.6 (malloc path and growth sizes) of docs/experiments.md.
 *
 * Growth rule: when top cannot serve nb, the heap grows by
 * page_round_up(nb + top_pad + MINSIZE - top_size).  Each growth test
 * first builds the top size the experiment names (checked through
 * mallinfo's keepcost), then asserts the break delta.  The order-of-
 * service tests show each stage (fast, small, unsorted exact fit,
 * last_remainder, large best fit, binmap, top, fast-bin consolidation,
 * mmap) by where the returned block lies.
 */
#include <string.h>

#include "harness.h"

/* Fresh heap, chunk 8192 (request 8184): the first brk is +0x23000. */
Test(experiment_3_6, growth_fresh_chunk_8k)
{
	fresh_sim_heap();
	char *p = ptm_malloc(8184);

	cr_assert(eq(sz, chunk_bytes(p), 8192));
	cr_assert(eq(ptr, p, heap_start() + 16));
	cr_assert(eq(sz, brk_delta(), 0x23000));
	assert_mallinfo("chunk 8 KiB on a fresh heap",
			(struct mi_expect){ .arena = 0x23000,
					    .ordblks = 1,
					    .uordblks = 8192,
					    .fordblks = 0x23000 - 8192,
					    .keepcost = 0x23000 - 8192 });
}

/* Fresh heap, chunk 6144 (request 6136): the first brk is +0x22000. */
Test(experiment_3_6, growth_fresh_chunk_6k)
{
	fresh_sim_heap();
	char *p = ptm_malloc(6136);

	cr_assert(eq(sz, chunk_bytes(p), 6144));
	cr_assert(eq(sz, brk_delta(), 0x22000));
	cr_assert(eq(int, MI(keepcost), 0x22000 - 6144));
}

/*
 * Build a top of exactly @top bytes on a fresh heap: one malloc(16)
 * (chunk 32, heap 135168, top 135136), then chunks that take the rest.
 * Returns the user pointer at which top's chunk starts + 16.
 */
static char *make_top(size_t top)
{
	char *first, *p;
	size_t rest;

	first = ptm_malloc(16);
	cr_assert(eq(ptr, first, heap_start() + 16));
	cr_assert(eq(sz, brk_delta(), 135168));
	rest = 135136 - top;
	p = first + 32;
	/* Stay below the mmap threshold: at most 100000 bytes a chunk. */
	while (rest > 0) {
		size_t chunk = rest > 100000 ? 100000 : rest;
		char *q = ptm_malloc(chunk - 8);

		cr_assert(eq(sz, chunk_bytes(q), chunk));
		cr_assert(eq(ptr, q, p));
		p += chunk;
		rest -= chunk;
	}
	cr_assert(eq(int, MI(keepcost), (int)top), "top is %zu bytes", top);
	cr_assert(eq(sz, brk_delta(), 135168));
	return p;
}

/* Top has 2 KiB, chunk of 20 KiB needed: the heap grows by 148 KiB. */
Test(experiment_3_6, growth_top_2k_chunk_20k)
{
	fresh_sim_heap();
	char *top = make_top(2048);
	char *p = ptm_malloc(20472);

	cr_assert(eq(sz, chunk_bytes(p), 20480));
	cr_assert(eq(ptr, p, top), "carved from the old top");
	cr_assert(eq(sz, brk_delta(), 135168 + KIB(148)));
	cr_assert(eq(int, MI(keepcost), 2048 + KIB(148) - 20480));
}

/* Top has 16 KiB + 32, chunk of 20 KiB needed: grows by 132 KiB. */
Test(experiment_3_6, growth_top_16k_plus_32_chunk_20k)
{
	fresh_sim_heap();
	char *top = make_top(KIB(16) + 32);
	char *p = ptm_malloc(20472);

	cr_assert(eq(ptr, p, top));
	cr_assert(eq(sz, brk_delta(), 135168 + KIB(132)));
	cr_assert(eq(int, MI(keepcost), KIB(16) + 32 + KIB(132) - 20480));
}

/* Errata 2: top exactly 16 KiB, chunk of 20 KiB: grows by 136 KiB. */
Test(experiment_3_6, growth_top_16k_chunk_20k_errata)
{
	fresh_sim_heap();
	char *top = make_top(KIB(16));
	char *p = ptm_malloc(20472);

	cr_assert(eq(ptr, p, top));
	cr_assert(eq(sz, brk_delta(), 135168 + KIB(136)));
	cr_assert(eq(int, MI(keepcost), KIB(16) + KIB(136) - 20480));
}

/* At or above the threshold: mmapped with page_round_up(nb + 8). */
Test(experiment_3_6, mmap_length)
{
	fresh_sim_heap();
	char *p = ptm_malloc(MIB(1));

	assert_mallinfo("1 MiB mmapped",
			(struct mi_expect){ .ordblks = 1,
					    .hblks = 1,
					    .hblkhd = 1052672 });
	cr_assert(eq(sz, brk_delta(), 0), "the break never moves");
	cr_assert(eq(sz, size_word(p), 1052672 | 2));
	cr_assert(eq(uptr, (uintptr_t)(p - 16) % 4096, 0));

	/* nb 131072 (request 131064) is at the threshold: mmapped. */
	char *q = ptm_malloc(131064);

	cr_assert(eq(int, MI(hblks), 2));
	cr_assert(eq(int, MI(hblkhd), 1052672 + 135168));
	cr_assert(eq(sz, size_word(q), 135168 | 2));

	/* nb 131056 (request 131048) is below it: from a new heap. */
	char *r = ptm_malloc(131048);

	cr_assert(eq(sz, chunk_bytes(r), 131056));
	cr_assert(eq(int, MI(hblks), 2));
	cr_assert(eq(ptr, r, heap_start() + 16));
	cr_assert(eq(sz, brk_delta(), 0x41000));
	ptm_free(p);
	ptm_free(q);
	cr_assert(eq(int, MI(hblks), 0));
	cr_assert(eq(int, MI(hblkhd), 0));
}

/* Stage 1, fast bins: exact size, last freed first. */
Test(experiment_3_6, order_fast_bins)
{
	fresh_sim_heap();
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(24);
	char *guard = ptm_malloc(24);

	(void)guard;
	ptm_free(a);
	ptm_free(b);
	cr_assert(eq(ptr, ptm_malloc(24), b));
	cr_assert(eq(ptr, ptm_malloc(24), a));
}

/*
 * Stage 2, small bins: two 208-byte chunks sorted into bin 13 by a
 * malloc(500) that top serves; malloc(200) then takes the older first.
 */
Test(experiment_3_6, order_small_bin)
{
	fresh_sim_heap();
	char *x = ptm_malloc(200);
	char *g1 = ptm_malloc(24);
	char *y = ptm_malloc(200);
	char *g2 = ptm_malloc(24);

	(void)g1;
	ptm_free(x);
	ptm_free(y);
	cr_assert(eq(int, MI(ordblks), 3));
	cr_assert(eq(ptr, ptm_malloc(500), g2 + 32), "sorting pass, top");
	cr_assert(eq(int, MI(ordblks), 3), "both now in small bin 13");
	cr_assert(eq(ptr, ptm_malloc(200), x));
	cr_assert(eq(ptr, ptm_malloc(200), y));
	cr_assert(eq(int, MI(ordblks), 1));
}

/*
 * Stage 3, unsorted exact fit: with a 512-byte and a 208-byte chunk in
 * the unsorted bin, malloc(200) sorts the 512 away and takes the 208.
 */
Test(experiment_3_6, order_unsorted_exact_fit)
{
	fresh_sim_heap();
	char *z = ptm_malloc(504);
	char *g1 = ptm_malloc(24);
	char *x = ptm_malloc(200);
	char *g2 = ptm_malloc(24);

	(void)g1;
	cr_assert(eq(sz, chunk_bytes(z), 512));
	ptm_free(z);
	ptm_free(x);
	cr_assert(eq(ptr, ptm_malloc(200), x));
	cr_assert(eq(int, MI(ordblks), 2), "512 chunk sorted, plus top");
	cr_assert(eq(ptr, ptm_malloc(504), z), "from its small bin");
	cr_assert(eq(ptr, ptm_malloc(24), g2 + 32), "then top");
}

/*
 * Stages 6 then 4: a freed 512-byte chunk serves malloc(24) through the
 * binmap (split, remainder kept as last_remainder), then the following
 * malloc(24)s split the last remainder in turn.
 */
Test(experiment_3_6, order_binmap_then_last_remainder)
{
	fresh_sim_heap();
	char *w = ptm_malloc(504);
	char *guard = ptm_malloc(24);

	(void)guard;
	ptm_free(w);
	cr_assert(eq(ptr, ptm_malloc(24), w));
	cr_assert(eq(ptr, ptm_malloc(24), w + 32));
	cr_assert(eq(ptr, ptm_malloc(24), w + 64));
	cr_assert(eq(int, MI(ordblks), 2));
	cr_assert(eq(int, MI(fordblks), 135168 - 512 - 32 + 512 - 96));
}

/*
 * Stage 5, large bins: smallest-first best fit among chunks of bin 99,
 * not the first freed nor the largest.
 */
Test(experiment_3_6, order_large_best_fit)
{
	fresh_sim_heap();
	char *big = ptm_malloc(4584);
	char *g1 = ptm_malloc(24);
	char *mid = ptm_malloc(4344);
	char *g2 = ptm_malloc(24);
	char *small = ptm_malloc(4152);
	char *g3 = ptm_malloc(24);

	(void)g1;
	(void)g2;
	ptm_free(big);
	ptm_free(small);
	ptm_free(mid);
	cr_assert(eq(ptr, ptm_malloc(8184), g3 + 32), "sorting pass, top");
	cr_assert(eq(ptr, ptm_malloc(4216), mid));
}

/*
 * Stage 6, binmap: a 2000-byte chunk (bin 79) serves a request of chunk
 * 1040 whose own bin 64 is empty; the remainder stays free.
 */
Test(experiment_3_6, order_binmap_large)
{
	fresh_sim_heap();
	char *c = ptm_malloc(1992);
	char *guard = ptm_malloc(24);

	cr_assert(eq(sz, chunk_bytes(c), 2000));
	ptm_free(c);
	char *p = ptm_malloc(1024);

	cr_assert(eq(ptr, p, c));
	cr_assert(eq(sz, chunk_bytes(p), 1040));
	cr_assert(eq(sz, size_word(c + 1040), 960 | 1), "remainder 960");
	cr_assert(eq(sz, prev_size_word(guard), 960));
	cr_assert(eq(int, MI(ordblks), 2));
}

/*
 * Stage 7, top before mmap: a request of nb 131088 (at the threshold) is
 * carved from top while top can hold it; the next one is mmapped.
 */
Test(experiment_3_6, order_top_before_mmap)
{
	fresh_sim_heap();
	char *a = ptm_malloc(16);
	char *p = ptm_malloc(KIB(128));

	cr_assert(eq(ptr, p, a + 32));
	cr_assert(eq(sz, chunk_bytes(p), 131088));
	cr_assert(eq(int, MI(hblks), 0));
	cr_assert(eq(int, MI(keepcost), 135168 - 32 - 131088));
	char *q = ptm_malloc(KIB(128));

	cr_assert(eq(int, MI(hblks), 1));
	cr_assert(eq(int, MI(hblkhd), 135168));
	cr_assert(eq(sz, size_word(q), 135168 | 2));
	cr_assert(eq(sz, brk_delta(), 135168));
}

/*
 * Stage 8: when top is too small and fast chunks exist, they are
 * consolidated (here into top) before the heap grows, so the block
 * starts where the first fast chunk was.
 */
Test(experiment_3_6, order_fastbin_consolidation_before_growth)
{
	fresh_sim_heap();
	char *first = ptm_malloc(24);
	char *fill1 = ptm_malloc(99992);
	char *fill2 = ptm_malloc(34936);
	char *f1 = ptm_malloc(24);
	char *f2 = ptm_malloc(24);

	(void)first;
	(void)fill1;
	cr_assert(eq(sz, chunk_bytes(fill2), 34944));
	cr_assert(eq(int, MI(keepcost), 128));
	ptm_free(f1);
	ptm_free(f2);
	cr_assert(eq(int, MI(smblks), 2));
	char *p = ptm_malloc(200);

	cr_assert(eq(ptr, p, f1));
	cr_assert(eq(sz, brk_delta(), 2 * 135168));
	assert_mallinfo("after consolidation and growth",
			(struct mi_expect){ .arena = 2 * 135168,
					    .ordblks = 1,
					    .uordblks =
						    32 + 100000 + 34944 + 208,
					    .fordblks = 135152,
					    .keepcost = 135152 });
}
