/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * E-3.4 (free-chunk containers) of docs/experiments.md, x86_64.
 *
 * The bin index functions of bins.h at the first and the last size of
 * every bin of the x86_64 table (glibc 2.36 malloc.c, smallbin_index
 * and largebin_index_64),
 * then the behaviour of the containers: fast bins (LIFO, PREV_INUSE of
 * the next chunk left set, never coalesced), coalescing of larger chunks,
 * merging into top, M_MXFAST, and the sorted large bins (best fit).
 * The 32-bit geometry is in test_bins_i386.c.
 */
#include <string.h>

#include "bins.h"
#include "harness.h"

/* Bins 64..126 of the x86_64 table: first and last chunk size. */
static const struct {
	unsigned int bin;
	size_t first, last;
} large_table[] = {
	{ 64, 1024, 1072 },
	{ 65, 1088, 1136 },
	{ 66, 1152, 1200 },
	{ 67, 1216, 1264 },
	{ 68, 1280, 1328 },
	{ 69, 1344, 1392 },
	{ 70, 1408, 1456 },
	{ 71, 1472, 1520 },
	{ 72, 1536, 1584 },
	{ 73, 1600, 1648 },
	{ 74, 1664, 1712 },
	{ 75, 1728, 1776 },
	{ 76, 1792, 1840 },
	{ 77, 1856, 1904 },
	{ 78, 1920, 1968 },
	{ 79, 1984, 2032 },
	{ 80, 2048, 2096 },
	{ 81, 2112, 2160 },
	{ 82, 2176, 2224 },
	{ 83, 2240, 2288 },
	{ 84, 2304, 2352 },
	{ 85, 2368, 2416 },
	{ 86, 2432, 2480 },
	{ 87, 2496, 2544 },
	{ 88, 2560, 2608 },
	{ 89, 2624, 2672 },
	{ 90, 2688, 2736 },
	{ 91, 2752, 2800 },
	{ 92, 2816, 2864 },
	{ 93, 2880, 2928 },
	{ 94, 2944, 2992 },
	{ 95, 3008, 3056 },
	{ 96, 3072, 3120 },
	{ 97, 3136, 3568 },
	{ 98, 3584, 4080 },
	{ 99, 4096, 4592 },
	{ 100, 4608, 5104 },
	{ 101, 5120, 5616 },
	{ 102, 5632, 6128 },
	{ 103, 6144, 6640 },
	{ 104, 6656, 7152 },
	{ 105, 7168, 7664 },
	{ 106, 7680, 8176 },
	{ 107, 8192, 8688 },
	{ 108, 8704, 9200 },
	{ 109, 9216, 9712 },
	{ 110, 9728, 10224 },
	{ 111, 10240, 10736 },
	{ 112, 10752, 12272 },
	{ 113, 12288, 16368 },
	{ 114, 16384, 20464 },
	{ 115, 20480, 24560 },
	{ 116, 24576, 28656 },
	{ 117, 28672, 32752 },
	{ 118, 32768, 36848 },
	{ 119, 36864, 40944 },
	{ 120, 40960, 65520 },
	{ 121, 65536, 98288 },
	{ 122, 98304, 131056 },
	{ 123, 131072, 163824 },
	{ 124, 163840, 262128 },
	{ 125, 262144, 524272 },
	{ 126, 524288, SIZE_MAX & ~(size_t)15 },
};

#define LARGE_ROWS (sizeof(large_table) / sizeof(large_table[0]))

/* Bins 2..63: one exact size each, 16 bytes apart (32..1008). */
Test(experiment_3_4, small_bin_boundaries)
{
	for (unsigned int i = 2; i <= 63; i++) {
		size_t sz = 16 * (size_t)i;

		cr_assert(eq(uint, smallbin_index(sz), i), "size %zu", sz);
		cr_assert(eq(uint, bin_index(sz), i), "size %zu", sz);
		cr_assert(eq(int, in_smallbin_range(sz), 1), "size %zu", sz);
	}
	cr_assert(eq(sz, MIN_LARGE_SIZE, 1024));
	cr_assert(eq(int, in_smallbin_range(1024), 0));
	cr_assert(eq(int, NSMALLBINS, 64));
	cr_assert(eq(int, NBINS, 128));
}

/* Bins 64..126: largebin_index_64 and bin_index at each first and last. */
Test(experiment_3_4, large_bin_boundaries)
{
	cr_assert(eq(sz, LARGE_ROWS, 63));
	for (size_t r = 0; r < LARGE_ROWS; r++) {
		unsigned int bin = large_table[r].bin;
		size_t lo = large_table[r].first, hi = large_table[r].last;

		cr_assert(eq(uint, bin, 64 + r));
		cr_assert(eq(uint, largebin_index_64(lo), bin), "first %zu",
			  lo);
		cr_assert(eq(uint, largebin_index_64(hi), bin), "last %zu", hi);
		cr_assert(eq(uint, bin_index(lo), bin), "first %zu", lo);
		cr_assert(eq(uint, bin_index(hi), bin), "last %zu", hi);
		cr_assert(eq(uint, largebin_index(lo), bin), "first %zu", lo);
		if (r + 1 < LARGE_ROWS)
			cr_assert(eq(sz, large_table[r + 1].first, hi + 16),
				  "bins %u and %u are contiguous", bin,
				  bin + 1);
	}
	/* The small range ends where the large one starts. */
	cr_assert(eq(uint, bin_index(1008), 63));
	cr_assert(eq(uint, bin_index(1024), 64));
}

/* Bin 120 spans 40960..65535 (45056 included); bin 127 is never used. */
Test(experiment_3_4, bin_120_oversized_bin_127_unused)
{
	for (size_t sz = 40960; sz <= 65520; sz += 16)
		cr_assert(eq(uint, bin_index(sz), 120), "size %zu", sz);
	cr_assert(eq(uint, bin_index(45056), 120));
	for (size_t sz = 32; sz <= MIB(16); sz += 16)
		cr_assert(le(uint, bin_index(sz), 126), "size %zu", sz);
	cr_assert(eq(uint, bin_index(SIZE_MAX & ~(size_t)15), 126));
	cr_assert(eq(uint, bin_index((size_t)1 << 40), 126));
}

/* Fast bins: index i holds chunk 32 + 16 i, i = 0..9; ten of them. */
Test(experiment_3_4, fastbin_index)
{
	for (unsigned int i = 0; i <= 9; i++)
		cr_assert(eq(uint, fastbin_index(32 + 16 * (size_t)i), i));
	cr_assert(eq(int, NFASTBINS, 10));
}

/* Fast bins are LIFO: the last freed chunk of a size is reused first. */
Test(experiment_3_4, fastbin_lifo)
{
	fresh_sim_heap();
	char *a = ptm_malloc(32);
	char *b = ptm_malloc(32);
	char *c = ptm_malloc(32);
	char *guard = ptm_malloc(32);

	ptm_free(a);
	ptm_free(b);
	ptm_free(c);
	cr_assert(eq(int, MI(smblks), 3));
	cr_assert(eq(ptr, ptm_malloc(32), c));
	cr_assert(eq(ptr, ptm_malloc(32), b));
	cr_assert(eq(ptr, ptm_malloc(32), a));
	cr_assert(eq(ptr, ptm_malloc(32), guard + 48), "then from top");
}

/* A fast chunk keeps PREV_INUSE set in the next chunk's size word. */
Test(experiment_3_4, fast_chunk_keeps_prev_inuse)
{
	fresh_sim_heap();
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(24);

	ptm_free(a);
	cr_assert(eq(sz, size_word(b), 0x21));
	cr_assert(eq(sz, size_word(a), 0x21));
	cr_assert(eq(int, MI(smblks), 1));
}

/* Two adjacent fast chunks stay two chunks: no coalescing. */
Test(experiment_3_4, fast_chunks_not_coalesced)
{
	fresh_sim_heap();
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(24);
	char *guard = ptm_malloc(24);

	ptm_free(a);
	ptm_free(b);
	assert_mallinfo("two adjacent fast chunks",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 2,
					    .fsmblks = 64,
					    .uordblks = 32,
					    .fordblks = 135136,
					    .keepcost = 135168 - 96 });
	cr_assert(eq(sz, size_word(b), 0x21));
	cr_assert(eq(sz, size_word(guard), 0x21));
	/* A 64-byte request does not find them merged: it uses top. */
	cr_assert(eq(ptr, ptm_malloc(56), guard + 32));
	cr_assert(eq(int, MI(smblks), 2));
}

/* A larger chunk coalesces with both free neighbours before binning. */
Test(experiment_3_4, free_chunk_coalesces_with_neighbours)
{
	fresh_sim_heap();
	char *a = ptm_malloc(200);
	char *b = ptm_malloc(200);
	char *c = ptm_malloc(200);
	char *guard = ptm_malloc(200);

	cr_assert(eq(sz, chunk_bytes(a), 208));
	ptm_free(a);
	ptm_free(c);
	cr_assert(eq(int, MI(ordblks), 3), "a and c binned apart, plus top");
	ptm_free(b);
	assert_mallinfo("a, b and c merged",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 2,
					    .uordblks = 208,
					    .fordblks = 135168 - 208,
					    .keepcost = 135168 - 4 * 208 });
	cr_assert(eq(sz, size_word(a), 624 | 1));
	cr_assert(eq(sz, prev_size_word(guard), 624));
	cr_assert(eq(sz, size_word(guard), 208), "PREV_INUSE cleared");
	cr_assert(eq(ptr, ptm_malloc(616), a), "the merged chunk fits 624");
}

/* A non-fast chunk next to top merges into top, whatever its size. */
Test(experiment_3_4, chunk_next_to_top_merges)
{
	fresh_sim_heap();
	char *a = ptm_malloc(136);
	char *b;

	cr_assert(eq(sz, chunk_bytes(a), 144), "the smallest non-fast chunk");
	ptm_free(a);
	assert_mallinfo("144 merged into top",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .fordblks = 135168,
					    .keepcost = 135168 });
	b = ptm_malloc(4000);
	cr_assert(eq(ptr, b, a));
	ptm_free(b);
	assert_mallinfo("4016 merged into top",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .fordblks = 135168,
					    .keepcost = 135168 });
}

/* A fast chunk next to top stays in its fast bin. */
Test(experiment_3_4, fast_chunk_next_to_top_stays)
{
	fresh_sim_heap();
	char *a = ptm_malloc(24);

	ptm_free(a);
	assert_mallinfo("fast chunk beside top",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 1,
					    .fsmblks = 32,
					    .fordblks = 135168,
					    .keepcost = 135136 });
}

/* Default max_fast: chunk 128 (request 120) is fast, chunk 144 is not. */
Test(experiment_3_4, default_max_fast_128)
{
	fresh_sim_heap();
	char *a = ptm_malloc(120);
	char *g1 = ptm_malloc(24);
	char *b = ptm_malloc(121);
	char *g2 = ptm_malloc(24);

	(void)g1;
	(void)g2;
	cr_assert(eq(sz, ptm_debug_param(M_MXFAST), 128));
	ptm_free(a);
	cr_assert(eq(int, MI(smblks), 1));
	cr_assert(eq(int, MI(fsmblks), 128));
	ptm_free(b);
	cr_assert(eq(int, MI(smblks), 1));
	cr_assert(eq(int, MI(ordblks), 2), "the 144 chunk is binned");
}

/* M_MXFAST 0 disables fast bins: a freed 32-byte chunk is binned. */
Test(experiment_3_4, mxfast_0_disables_fastbins)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, 0), 1));
	cr_assert(eq(sz, ptm_debug_param(M_MXFAST), 16));
	char *a = ptm_malloc(24);
	char *guard = ptm_malloc(24);

	ptm_free(a);
	assert_mallinfo("32-byte chunk freed, fast bins off",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 2,
					    .smblks = 0,
					    .fsmblks = 0,
					    .uordblks = 32,
					    .fordblks = 135136,
					    .keepcost = 135104 });
	cr_assert(eq(sz, size_word(guard), 0x20), "PREV_INUSE cleared");
	cr_assert(eq(ptr, ptm_malloc(24), a), "reused from the unsorted bin");
	/* Next to top, it goes into top. */
	ptm_free(guard);
	cr_assert(eq(int, MI(keepcost), 135136));
	cr_assert(eq(int, MI(smblks), 0));
}

/* M_MXFAST 161 is refused and changes nothing. */
Test(experiment_3_4, mxfast_161_refused)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, 161), 0));
	cr_assert(eq(sz, ptm_debug_param(M_MXFAST), 128));
	char *a = ptm_malloc(136);
	char *guard = ptm_malloc(24);

	(void)guard;
	ptm_free(a);
	cr_assert(eq(int, MI(smblks), 0), "chunk 144 is still not fast");
	cr_assert(eq(int, MI(ordblks), 2));
}

/* M_MXFAST 160 is accepted: chunks up to 160 become fast. */
Test(experiment_3_4, mxfast_160_accepted)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, 160), 1));
	cr_assert(eq(sz, ptm_debug_param(M_MXFAST), 160));
	char *a = ptm_malloc(152);
	char *g1 = ptm_malloc(24);
	char *b = ptm_malloc(153);
	char *g2 = ptm_malloc(24);

	(void)g1;
	(void)g2;
	cr_assert(eq(sz, chunk_bytes(a), 160));
	cr_assert(eq(sz, chunk_bytes(b), 176));
	ptm_free(a);
	ptm_free(b);
	cr_assert(eq(int, MI(smblks), 1));
	cr_assert(eq(int, MI(fsmblks), 160));
	cr_assert(eq(int, MI(ordblks), 2), "the 176 chunk is binned");
}

/*
 * Large bins are sorted: three chunks of bin 99 (4592, 4352, 4160) freed
 * in the order 4160, 4592, 4352 are sorted largest first by a malloc that
 * top serves; then each request takes the smallest chunk that fits.
 */
Test(experiment_3_4, large_bin_sorted_best_fit)
{
	fresh_sim_heap();
	char *l1 = ptm_malloc(4584);
	char *g1 = ptm_malloc(24);
	char *l2 = ptm_malloc(4344);
	char *g2 = ptm_malloc(24);
	char *l3 = ptm_malloc(4152);
	char *g3 = ptm_malloc(24);

	(void)g1;
	(void)g2;
	cr_assert(eq(sz, chunk_bytes(l1), 4592));
	cr_assert(eq(sz, chunk_bytes(l2), 4352));
	cr_assert(eq(sz, chunk_bytes(l3), 4160));
	ptm_free(l3);
	ptm_free(l1);
	ptm_free(l2);
	cr_assert(eq(int, MI(ordblks), 4));

	/* Sorting pass: chunk 8192 is served by top. */
	cr_assert(eq(ptr, ptm_malloc(8184), g3 + 32));

	/* Bin 99 in fd order: l1, l2, l3; fd_nextsize likewise, circular. */
	cr_assert(eq(uptr, mem_word(l1, 0), chunk_addr(l2)));
	cr_assert(eq(uptr, mem_word(l2, 0), chunk_addr(l3)));
	cr_assert(eq(uptr, mem_word(l3, 1), chunk_addr(l2)));
	cr_assert(eq(uptr, mem_word(l2, 1), chunk_addr(l1)));
	cr_assert(eq(uptr, mem_word(l1, 2), chunk_addr(l2)));
	cr_assert(eq(uptr, mem_word(l2, 2), chunk_addr(l3)));
	cr_assert(eq(uptr, mem_word(l3, 2), chunk_addr(l1)));
	cr_assert(eq(uptr, mem_word(l1, 3), chunk_addr(l3)));

	/* Best fit, smallest first. */
	cr_assert(eq(ptr, ptm_malloc(4216), l2), "4224 -> 4352");
	cr_assert(eq(ptr, ptm_malloc(4104), l3), "4112 -> 4160");
	cr_assert(eq(ptr, ptm_malloc(4488), l1), "4496 -> 4592");
}
