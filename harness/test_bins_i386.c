/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * E-3.4 (free-chunk containers), 32-bit geometry: the table of 001
 * section 3.4.1 is the one of the 32-bit port of glibc 2.17 (SIZE_SZ 4,
 * MALLOC_ALIGNMENT 8), where bin_index uses largebin_index_32.
 *
 * The makefile compiles this file with sysdeps/i386 first on the include
 * path, so bins.h here has the 32-bit geometry while the rest of the
 * test binary keeps x86_64's.  Only the inline arithmetic of bins.h is
 * used; no allocator call.  The expected table is the "32-bit, align 8"
 * table of glibc 2.36's malloc.c (largebin_index_32), and erratum 1 of
 * docs/errata.md (45056 is in bin 120, not 121; no size is
 * indexed to bin 127) are asserted against the document's own table.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>

#include "bins.h"

/* Bins 64..126 with 8-byte alignment: first and last chunk size. */
static const struct {
	unsigned int bin;
	size_t first, last;
} large_table_32[] = {
	{ 64, 512, 568 },
	{ 65, 576, 632 },
	{ 66, 640, 696 },
	{ 67, 704, 760 },
	{ 68, 768, 824 },
	{ 69, 832, 888 },
	{ 70, 896, 952 },
	{ 71, 960, 1016 },
	{ 72, 1024, 1080 },
	{ 73, 1088, 1144 },
	{ 74, 1152, 1208 },
	{ 75, 1216, 1272 },
	{ 76, 1280, 1336 },
	{ 77, 1344, 1400 },
	{ 78, 1408, 1464 },
	{ 79, 1472, 1528 },
	{ 80, 1536, 1592 },
	{ 81, 1600, 1656 },
	{ 82, 1664, 1720 },
	{ 83, 1728, 1784 },
	{ 84, 1792, 1848 },
	{ 85, 1856, 1912 },
	{ 86, 1920, 1976 },
	{ 87, 1984, 2040 },
	{ 88, 2048, 2104 },
	{ 89, 2112, 2168 },
	{ 90, 2176, 2232 },
	{ 91, 2240, 2296 },
	{ 92, 2304, 2360 },
	{ 93, 2368, 2424 },
	{ 94, 2432, 2488 },
	{ 95, 2496, 2552 },
	{ 96, 2560, 3064 },
	{ 97, 3072, 3576 },
	{ 98, 3584, 4088 },
	{ 99, 4096, 4600 },
	{ 100, 4608, 5112 },
	{ 101, 5120, 5624 },
	{ 102, 5632, 6136 },
	{ 103, 6144, 6648 },
	{ 104, 6656, 7160 },
	{ 105, 7168, 7672 },
	{ 106, 7680, 8184 },
	{ 107, 8192, 8696 },
	{ 108, 8704, 9208 },
	{ 109, 9216, 9720 },
	{ 110, 9728, 10232 },
	{ 111, 10240, 10744 },
	{ 112, 10752, 12280 },
	{ 113, 12288, 16376 },
	{ 114, 16384, 20472 },
	{ 115, 20480, 24568 },
	{ 116, 24576, 28664 },
	{ 117, 28672, 32760 },
	{ 118, 32768, 36856 },
	{ 119, 36864, 40952 },
	{ 120, 40960, 65528 },
	{ 121, 65536, 98296 },
	{ 122, 98304, 131064 },
	{ 123, 131072, 163832 },
	{ 124, 163840, 262136 },
	{ 125, 262144, 524280 },
	{ 126, 524288, 0xfffffff8 },
};

#define LARGE_ROWS_32 (sizeof(large_table_32) / sizeof(large_table_32[0]))

/* The header really is the 32-bit one. */
Test(experiment_3_4, i386_geometry)
{
	cr_assert(eq(sz, SIZE_SZ, 4));
	cr_assert(eq(sz, MALLOC_ALIGNMENT, 8));
	cr_assert(eq(int, SMALLBIN_CORRECTION, 0));
	cr_assert(eq(sz, MIN_LARGE_SIZE, 512));
	cr_assert(eq(int, NFASTBINS, 10));
}

/* Small bins 2..63: one size each, 8 bytes apart (16..504). */
Test(experiment_3_4, i386_small_bin_boundaries)
{
	for (unsigned int i = 2; i <= 63; i++) {
		size_t sz = 8 * (size_t)i;

		cr_assert(eq(uint, smallbin_index(sz), i), "size %zu", sz);
		cr_assert(eq(uint, bin_index(sz), i), "size %zu", sz);
	}
	cr_assert(eq(int, in_smallbin_range(504), 1));
	cr_assert(eq(int, in_smallbin_range(512), 0));
}

/* Large bins 64..126: largebin_index_32 at each first and last size. */
Test(experiment_3_4, i386_large_bin_boundaries)
{
	cr_assert(eq(sz, LARGE_ROWS_32, 63));
	for (size_t r = 0; r < LARGE_ROWS_32; r++) {
		unsigned int bin = large_table_32[r].bin;
		size_t lo = large_table_32[r].first;
		size_t hi = large_table_32[r].last;

		cr_assert(eq(uint, bin, 64 + r));
		cr_assert(eq(uint, largebin_index_32(lo), bin), "first %zu",
			  lo);
		cr_assert(eq(uint, largebin_index_32(hi), bin), "last %zu", hi);
		cr_assert(eq(uint, bin_index(lo), bin), "first %zu", lo);
		cr_assert(eq(uint, bin_index(hi), bin), "last %zu", hi);
		cr_assert(eq(uint, largebin_index(lo), bin), "first %zu", lo);
		if (r + 1 < LARGE_ROWS_32)
			cr_assert(eq(sz, large_table_32[r + 1].first, hi + 8),
				  "bins %u and %u are contiguous", bin,
				  bin + 1);
	}
}

/* Fast bins: index i holds chunk 16 + 8 i, i = 0..9. */
Test(experiment_3_4, i386_fastbin_index)
{
	for (unsigned int i = 0; i <= 9; i++)
		cr_assert(eq(uint, fastbin_index(16 + 8 * (size_t)i), i));
}

/*
 * The document's table where it agrees with the index function: the
 * first and last size of each of its groups of bins.
 */
Test(experiment_3_4, i386_document_table_groups)
{
	cr_assert(eq(uint, bin_index(16), 2));
	cr_assert(eq(uint, bin_index(504), 63));
	cr_assert(eq(uint, bin_index(512), 64));
	cr_assert(eq(uint, bin_index(2488), 94));
	cr_assert(eq(uint, bin_index(2496), 95));
	cr_assert(eq(uint, bin_index(10744), 111));
	cr_assert(eq(uint, bin_index(10752), 112));
	cr_assert(eq(uint, bin_index(45048), 120));
	cr_assert(eq(uint, bin_index(163832), 123));
	cr_assert(eq(uint, bin_index(163840), 124));
	cr_assert(eq(uint, bin_index(786424), 126));
}

/*
 * Errata 1: the document puts 45056 in bin 121 and 786432.. in bin 127;
 * the real index function puts 45056 in bin 120 and never returns 127.
 */
Test(experiment_3_4, i386_errata_bin_120_and_127)
{
	cr_assert(eq(uint, bin_index(45056), 120));
	cr_assert(eq(uint, largebin_index_32(45056), 120));
	cr_assert(eq(uint, bin_index(786432), 126));
	for (size_t sz = 16; sz <= 16UL * 1024 * 1024; sz += 8)
		cr_assert(le(uint, bin_index(sz), 126), "size %zu", sz);
	cr_assert(eq(uint, bin_index(0xfffffff8), 126));
}
